import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEntry } from '../src/download/catalog.js';
import { downloadEntry } from '../src/download/download.js';
import { DownloadError } from '../src/errors.js';
import { FIXTURES, tempDir } from './helpers.js';

/** A zip of `files` (deflated), as an archiver writes it. */
function makeZip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const body = deflateRawSync(data);
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(crc32(data), 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(n.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, n, body);
    central.push(cd, n);
    offset += 30 + n.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBuf, end]);
}

/** A ustar .tar.gz of `files`. */
function makeTarGz(files: Record<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = Buffer.alloc(512);
    h.write(name, 0);
    h.write('0000644\0', 100);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('0', 156);
    h.write('ustar\0' + '00', 257);
    h.fill(' ', 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

let png: Buffer;
let server: Server;
let base: string;
const served = new Map<string, Buffer>();
const requests: { path: string; range: string | undefined }[] = [];
let truncateNext = false;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  png = await readFile(join(FIXTURES, 'chelsea_96x64.png'));
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, range: req.headers.range });
    const body = served.get(path);
    if (!body) return void res.writeHead(404).end();
    const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, { 'content-length': body.length - start });
    if (truncateNext) {
      truncateNext = false;
      res.write(body.subarray(start, start + Math.floor(body.length / 2)));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await cleanup();
});

const cycleganZip = (folders: string[]) => makeZip(Object.fromEntries(folders.map((f) => [`mini/${f}/1.png`, png])));

describe('download (loopback server only)', () => {
  it('downloads a CycleGAN zip from a mirror, records its sha256, extracts and validates the layout', async () => {
    served.set('/m1/mini.zip', cycleganZip(['trainA', 'trainB', 'testA', 'testB']));
    const dest = join(dir, 'd1');
    const progress: number[] = [];
    const r = await downloadEntry('mini', { dest, mirrors: [`${base}/missing`, `${base}/m1`], onProgress: (got) => progress.push(got) });
    expect(r.path).toBe(join(dest, 'mini'));
    expect(r.recorded).toBe(true);
    expect((await readdir(join(dest, 'mini'))).sort()).toEqual(['testA', 'testB', 'trainA', 'trainB']);
    expect(await readFile(join(dest, 'mini', 'trainA', '1.png'))).toEqual(png);
    expect(JSON.parse(await readFile(join(dest, '.translate-downloads.json'), 'utf8'))['cyclegan/mini'].sha256).toBe(r.sha256);
    expect(progress.at(-1)).toBe(served.get('/m1/mini.zip')!.length);
    expect(requests.map((q) => q.path)).toContain('/missing/mini.zip');
  });

  it('resumes a truncated download with a Range request', async () => {
    served.set('/m2/facades.tar.gz', makeTarGz({ 'facades/train/1.png': png, 'facades/val/2.png': png }));
    const dest = join(dir, 'd2');
    truncateNext = true;
    const first = await downloadEntry('pix2pix/facades', { dest, mirrors: [`${base}/m2`] }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DownloadError);
    expect((first as Error).message).toMatch(/run the command again to resume/);
    const partial = (await stat(join(dest, 'facades.tar.gz.part'))).size;
    expect(partial).toBeGreaterThan(0);
    const r = await downloadEntry('pix2pix/facades', { dest, mirrors: [`${base}/m2`] });
    expect(requests.at(-1)!.range).toBe(`bytes=${partial}-`);
    expect(await readFile(join(r.path, 'val', '2.png'))).toEqual(png);
  });

  it('refuses a file whose sha256 differs from the first download and deletes it', async () => {
    const dest = join(dir, 'd2');
    served.set('/m2/facades.tar.gz', makeTarGz({ 'facades/train/1.png': png, 'facades/train/extra.png': png }));
    await expect(downloadEntry('pix2pix/facades', { dest, mirrors: [`${base}/m2`] })).rejects.toThrow(
      /^Checksum mismatch for pix2pix\/facades: got sha256 [0-9a-f]{64}, but the first download/,
    );
    await expect(stat(join(dest, 'facades.tar.gz'))).rejects.toThrow();
  });

  it('validates the layout after extraction', async () => {
    served.set(
      '/m3/horse2zebra.zip',
      makeZip({ 'horse2zebra/trainA/1.png': png, 'horse2zebra/trainB/1.png': png, 'horse2zebra/testA/1.png': png }),
    );
    await expect(downloadEntry('horse2zebra', { dest: join(dir, 'd3'), mirrors: [`${base}/m3`] })).rejects.toThrow(
      `cyclegan/horse2zebra was extracted, but these folders are missing or hold no images: ${join(dir, 'd3', 'horse2zebra', 'testB')}`,
    );
  });

  it('saves a pretrained generator as <name>_pretrained/latest_net_G.pth', async () => {
    served.set('/m4/horse2zebra.pth', Buffer.from('weights'));
    const r = await downloadEntry('cyclegan_model/horse2zebra', { dest: join(dir, 'ckpt'), mirrors: [`${base}/m4`] });
    expect(r.path).toBe(join(dir, 'ckpt', 'horse2zebra_pretrained', 'latest_net_G.pth'));
    expect(await readFile(r.path, 'utf8')).toBe('weights');
  });

  it('an unreachable mirror is a DownloadError, not a crash', async () => {
    await expect(downloadEntry('mini', { dest: join(dir, 'd5'), mirrors: [`${base}/nowhere`] })).rejects.toThrow(
      `Download of ${base}/nowhere/mini.zip failed: HTTP 404 Not Found.`,
    );
  });
});

describe('catalog', () => {
  it('refuses cityscapes with the reason, and asks which facades', () => {
    expect(() => findEntry('cityscapes')).toThrow(/license issues.*prepare_cityscapes_dataset.py/);
    expect(() => findEntry('pix2pix/cityscapes')).toThrow(/license issues/);
    expect(() => findEntry('facades')).toThrow("'facades' exists in several sources: cyclegan/facades, pix2pix/facades. Name one of them.");
    expect(findEntry('edges2shoes').urls).toEqual(['http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/edges2shoes.tar.gz']);
    expect(() => findEntry('hors2zebra')).toThrow(/Unknown dataset or model 'hors2zebra'/);
  });

  it("takes the reference's script names without a prefix where one entry fits: a dataset first, else a model", () => {
    expect(findEntry('horse2zebra').name).toBe('cyclegan/horse2zebra');
    expect(findEntry('style_monet').name).toBe('cyclegan_model/style_monet');
    expect(findEntry('day2night').name).toBe('pix2pix_model/day2night');
    expect(() => findEntry('sat2map')).toThrow(
      "'sat2map' exists in several sources: cyclegan_model/sat2map, pix2pix_model/sat2map. Name one of them.",
    );
  });
});
