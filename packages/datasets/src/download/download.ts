/**
 * `translate datasets download <name>`: fetch from the first mirror that answers (resuming a
 * partial file), check the sha256 against the one recorded at the first download (recording it
 * then), extract, and validate the layout. Records live in `<dest>/.translate-downloads.json`.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DownloadError } from '../errors.js';
import { isImageFile } from '../image/discover.js';
import { findEntry, type CatalogEntry } from './catalog.js';
import { extractTarGz, extractZip } from './extract.js';
import { downloadFile, removeIfPresent, sha256File, type ProgressListener } from './fetch.js';

/** Where and how to download. */
export interface DownloadOptions {
  /** Folder for datasets (the reference: ./datasets) or models (./checkpoints). */
  dest: string;
  /** Mirror base URLs used instead of the catalog's own, tried in order, as `<base>/<file>`. */
  mirrors?: string[];
  onProgress?: ProgressListener;
  log?: (message: string) => void;
}

/** What a download produced. */
export interface DownloadResult {
  entry: CatalogEntry;
  /** The extracted dataset folder or the saved model file. */
  path: string;
  sha256: string;
  /** True when this download recorded the checksum (first download). */
  recorded: boolean;
}

const RECORDS = '.translate-downloads.json';

/** Downloads, verifies and unpacks `name` (see `findEntry` for accepted names). */
export async function downloadEntry(name: string, o: DownloadOptions): Promise<DownloadResult> {
  const entry = findEntry(name);
  const log = o.log ?? (() => undefined);
  const file = join(o.dest, entry.file);
  const urls = o.mirrors?.length ? o.mirrors.map((b) => `${b.replace(/\/+$/, '')}/${entry.file}`) : entry.urls;
  let lastError: DownloadError | null = null;
  let done = false;
  for (const url of urls) {
    try {
      log(`Downloading ${url}`);
      await downloadFile(url, file, o.onProgress);
      done = true;
      break;
    } catch (err) {
      if (!(err instanceof DownloadError)) throw err;
      lastError = err;
      log(err.message);
    }
  }
  if (!done) throw lastError ?? new DownloadError(`No mirror for ${entry.name}.`);
  const sha256 = await sha256File(file);
  const recorded = await checkRecord(o.dest, entry.name, sha256, file);
  if (entry.archive === 'none') {
    const path = join(o.dest, entry.saveAs!);
    await mkdir(dirname(path), { recursive: true });
    await rename(file, path);
    return { entry, path, sha256, recorded };
  }
  const count = entry.archive === 'zip' ? await extractZip(file, o.dest) : await extractTarGz(file, o.dest);
  log(`Extracted ${count} files.`);
  await removeIfPresent(file);
  const path = join(o.dest, entry.name.split('/')[1]!);
  await validateLayout(path, entry);
  return { entry, path, sha256, recorded };
}

/** Records the checksum on first download; afterwards a different checksum is refused (the file is deleted). */
async function checkRecord(dest: string, name: string, sha256: string, file: string): Promise<boolean> {
  const recordsFile = join(dest, RECORDS);
  const records: Record<string, { sha256: string; date: string }> = JSON.parse(await readFile(recordsFile, 'utf8').catch(() => '{}'));
  const known = records[name];
  if (known && known.sha256 !== sha256) {
    await removeIfPresent(file);
    throw new DownloadError(
      `Checksum mismatch for ${name}: got sha256 ${sha256}, but the first download (${known.date}) was ${known.sha256}. ` +
        `The file was refused and deleted: the mirror's copy changed or the transfer was corrupted. If the new file is expected, remove the '${name}' record from ${recordsFile} and download again.`,
    );
  }
  if (known) return false;
  records[name] = { sha256, date: new Date().toISOString() };
  await writeFile(recordsFile, `${JSON.stringify(records, null, 2)}\n`);
  return true;
}

async function validateLayout(root: string, entry: CatalogEntry): Promise<void> {
  const missing: string[] = [];
  for (const folder of entry.layout) {
    const dir = join(root, folder);
    const ok = (await stat(dir).catch(() => null))?.isDirectory() && (await readdir(dir)).some(isImageFile);
    if (!ok) missing.push(dir);
  }
  if (missing.length > 0) {
    throw new DownloadError(
      `${entry.name} was extracted, but these folders are missing or hold no images: ${missing.join(', ')}. The archive does not have the expected layout; delete ${root} and try another mirror (--mirror).`,
    );
  }
}
