/**
 * Archive extraction without extra dependencies: zip (stored or deflated entries, read entry by
 * entry from the file) and tar.gz (streamed: ustar, GNU long names, pax paths). Entries whose path
 * would leave the destination are refused.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { createGunzip, inflateRawSync } from 'node:zlib';
import { DownloadError } from '../errors.js';

/** Extracts a .zip into `dest`; returns the number of files written. */
export async function extractZip(file: string, dest: string): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw new DownloadError(`${file} is not a zip archive (no end-of-directory record); delete it and download again.`);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff) throw new DownloadError(`${file} is a zip64 archive, which is not supported.`);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    let p = 0;
    let written = 0;
    for (let n = 0; n < count; n++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new DownloadError(`${file}: corrupt zip directory.`);
      const method = cd.readUInt16LE(p + 10);
      const compressed = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const skip = nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
      const local = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      p += 46 + skip;
      if (name.endsWith('/')) continue;
      const header = Buffer.alloc(30);
      await fh.read(header, 0, 30, local);
      const data = Buffer.alloc(compressed);
      await fh.read(data, 0, compressed, local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28));
      if (method !== 0 && method !== 8) throw new DownloadError(`${file}: entry ${name} uses unsupported compression method ${method}.`);
      await writeEntry(dest, name, method === 8 ? inflateRawSync(data) : data);
      written++;
    }
    return written;
  } finally {
    await fh.close();
  }
}

/** Extracts a .tar.gz into `dest`, streaming; returns the number of files written. */
export async function extractTarGz(file: string, dest: string): Promise<number> {
  let pending: Buffer = Buffer.alloc(0);
  let written = 0;
  let longName: string | null = null;
  const gunzip = createReadStream(file).pipe(createGunzip());
  let entry: { name: string; size: number; type: string; chunks: Buffer[]; got: number } | null = null;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (!entry) {
          if (pending.length < 512) break;
          const h = pending.subarray(0, 512);
          pending = pending.subarray(512);
          if (h.every((b) => b === 0)) continue;
          const field = (a: number, b: number) => h.toString('utf8', a, b).replace(/\0.*$/s, '');
          const prefix = field(257, 262) === 'ustar' ? field(345, 500) : '';
          const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
          longName = null;
          entry = { name, size: parseInt(field(124, 136).trim() || '0', 8), type: field(156, 157) || '0', chunks: [], got: 0 };
        }
        const need = entry.size - entry.got;
        const take = Math.min(need, pending.length);
        if (take > 0) {
          entry.chunks.push(pending.subarray(0, take));
          entry.got += take;
          pending = pending.subarray(take);
        }
        if (entry.got < entry.size) break;
        const padded = Math.ceil(entry.size / 512) * 512 - entry.size;
        if (pending.length < padded) break;
        pending = pending.subarray(padded);
        const data = Buffer.concat(entry.chunks);
        if (entry.type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
        else if (entry.type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? null;
        else if (entry.type === '0' || entry.type === '7') {
          await writeEntry(dest, entry.name, data);
          written++;
        }
        entry = null;
      }
    }
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(`${file} is not a readable .tar.gz (${(err as Error).message}); delete it and download again.`, { cause: err });
  }
  return written;
}

async function writeEntry(dest: string, name: string, data: Buffer): Promise<void> {
  const rel = normalize(name);
  if (isAbsolute(rel) || rel.split(sep).includes('..'))
    throw new DownloadError(`Refusing archive entry '${name}': it would be written outside ${dest}.`);
  const target = join(dest, rel);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, data);
}
