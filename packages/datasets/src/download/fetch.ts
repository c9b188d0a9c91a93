/**
 * HTTP(S) download to a file with resume: bytes arrive in `<dest>.part`; an existing part is
 * continued with a Range request (restarted if the server ignores it); the part is renamed when
 * complete. Returns the file's sha256.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DownloadError } from '../errors.js';

/** Progress of a download: bytes so far and total (undefined when the server does not say). */
export type ProgressListener = (received: number, total: number | undefined) => void;

/** Downloads `url` to `dest`, resuming a partial `<dest>.part`. Throws `DownloadError` on HTTP errors. */
export async function downloadFile(url: string, dest: string, onProgress: ProgressListener = () => undefined): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const have = (await stat(part).catch(() => null))?.size ?? 0;
  let res: Response;
  try {
    res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, redirect: 'follow' });
  } catch (err) {
    throw new DownloadError(
      `Cannot reach ${url}: ${(err as Error).cause ? String((err as { cause: Error }).cause.message) : (err as Error).message}.`,
      { cause: err },
    );
  }
  if (res.status === 416 && have > 0) {
    await rename(part, dest); // the part already holds the whole file
    return;
  }
  if (!res.ok || !res.body) throw new DownloadError(`Download of ${url} failed: HTTP ${res.status} ${res.statusText}.`);
  const resumed = res.status === 206;
  const start = resumed ? have : 0;
  const length = Number(res.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(length) ? start + length : undefined;
  let received = start;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    onProgress(received, total);
  });
  try {
    await pipeline(body, createWriteStream(part, { flags: resumed ? 'a' : 'w' }));
  } catch (err) {
    throw new DownloadError(
      `Download of ${url} was interrupted at ${received} bytes (${(err as Error).message}); run the command again to resume.`,
      { cause: err },
    );
  }
  if (total !== undefined && received !== total) {
    throw new DownloadError(`Download of ${url} stopped at ${received} of ${total} bytes; run the command again to resume.`);
  }
  await rename(part, dest);
}

/** The sha256 of a file, hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Removes a file if it exists. */
export async function removeIfPresent(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}
