/**
 * The zip container of PyTorch checkpoints: a checked reader (fflate underneath) and a writer that
 * lays out bytes exactly like PyTorch 1.13's PyTorchStreamWriter (caffe2/serialize/inline_container.cc
 * on top of miniz with MZ_ZIP_FLAG_WRITE_ZIP64).
 */
import { inflateSync } from 'fflate';
import { CheckpointFormatError } from './errors.js';

/** One file of an archive: name relative to the archive folder (e.g. `data.pkl`, `data/0`) and bytes. */
export interface TorchZipRecord {
  name: string;
  data: Uint8Array;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 (zip / IEEE 802.3 polynomial) of `data`. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const DATA_DESCRIPTOR = 16;
const ZIP64_EOCD = 56;
const ZIP64_LOCATOR = 20;
const EOCD = 22;
/** PyTorchStreamWriter aligns every record's data to 64 bytes. */
const FIELD_ALIGNMENT = 64;

/**
 * Size of the 'FB' extra field PyTorchStreamWriter::getPadding puts in a local header so that the
 * record's data starts at a multiple of 64: 4 bytes of field header + `padding` bytes of 'Z'.
 */
function paddingSize(cursor: number, nameLen: number): number {
  const start = cursor + LOCAL_HEADER + nameLen + 4;
  const mod = start % FIELD_ALIGNMENT;
  return mod === 0 ? 0 : FIELD_ALIGNMENT - mod;
}

/**
 * Builds the zip archive torch.save would write for these records under `<archiveName>/`, in the
 * given order: STORED entries with zero DOS time/date, flags 0x0808 (data descriptor, UTF-8), zero
 * sizes/CRC in the local header, a 64-byte alignment 'FB' extra field, a data descriptor after each
 * record (empty records: flags 0x0800 and no descriptor, as miniz does), a central directory without extras, then zip64 end record + locator + end record.
 * Archives of 4 GiB or more (which need zip64 per-entry fields) are not supported.
 */
export function writeTorchZip(archiveName: string, records: readonly TorchZipRecord[]): Uint8Array {
  const enc = new TextEncoder();
  const entries = records.map((r) => ({
    name: enc.encode(`${archiveName}/${r.name}`),
    data: r.data,
    crc: crc32(r.data),
    offset: 0,
    pad: 0,
  }));
  let cursor = 0;
  for (const e of entries) {
    e.offset = cursor;
    e.pad = paddingSize(cursor, e.name.byteLength);
    cursor += LOCAL_HEADER + e.name.byteLength + 4 + e.pad + e.data.byteLength + (e.data.byteLength > 0 ? DATA_DESCRIPTOR : 0);
  }
  const cdOffset = cursor;
  let cdSize = 0;
  for (const e of entries) cdSize += CENTRAL_HEADER + e.name.byteLength;
  const total = cdOffset + cdSize + ZIP64_EOCD + ZIP64_LOCATOR + EOCD;
  if (total >= 0xffffffff) throw new CheckpointFormatError('writing checkpoints of 4 GiB or more is not supported');

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  let p = 0;
  const u16 = (x: number): void => {
    v.setUint16(p, x, true);
    p += 2;
  };
  const u32 = (x: number): void => {
    v.setUint32(p, x, true);
    p += 4;
  };
  const u64 = (x: number): void => {
    v.setBigUint64(p, BigInt(x), true);
    p += 8;
  };
  const bytes = (b: Uint8Array): void => {
    out.set(b, p);
    p += b.byteLength;
  };

  for (const e of entries) {
    // miniz sets the data-descriptor flag (and writes one) only for non-empty records.
    const flags = e.data.byteLength > 0 ? 0x0808 : 0x0800;
    u32(0x04034b50);
    u16(0); // version needed
    u16(flags); // UTF-8 names (+ data descriptor)
    u16(0); // STORED
    u16(0); // time
    u16(0); // date
    u32(0); // crc (in the data descriptor)
    u32(0); // compressed size
    u32(0); // uncompressed size
    u16(e.name.byteLength);
    u16(4 + e.pad);
    bytes(e.name);
    out[p++] = 0x46; // 'F'
    out[p++] = 0x42; // 'B'
    u16(e.pad);
    out.fill(0x5a, p, p + e.pad); // 'Z'
    p += e.pad;
    bytes(e.data);
    if (e.data.byteLength > 0) {
      u32(0x08074b50);
      u32(e.crc);
      u32(e.data.byteLength);
      u32(e.data.byteLength);
    }
  }
  for (const e of entries) {
    u32(0x02014b50);
    u16(0); // version made by
    u16(0); // version needed
    u16(e.data.byteLength > 0 ? 0x0808 : 0x0800);
    u16(0);
    u16(0);
    u16(0);
    u32(e.crc);
    u32(e.data.byteLength);
    u32(e.data.byteLength);
    u16(e.name.byteLength);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(e.offset);
    bytes(e.name);
  }
  const zip64At = p;
  u32(0x06064b50);
  u64(ZIP64_EOCD - 12);
  u16(0x031e); // version made by (miniz)
  u16(0x002d); // version needed: 4.5 (zip64)
  u32(0);
  u32(0);
  u64(entries.length);
  u64(entries.length);
  u64(cdSize);
  u64(cdOffset);
  u32(0x07064b50);
  u32(0);
  u64(zip64At);
  u32(1);
  u32(0x06054b50);
  u16(0);
  u16(0);
  u16(Math.min(0xffff, entries.length));
  u16(Math.min(0xffff, entries.length));
  u32(cdSize);
  u32(cdOffset);
  u16(0);
  return out;
}

/**
 * Checks the zip structure (end record, central directory, local headers and data ranges inside the
 * file) and every entry's CRC-32. Returns full entry name → bytes in central-directory order: stored
 * entries are views of `bytes` (no copy), deflated ones are inflated (fflate). Throws
 * CheckpointFormatError (with `path`) for truncated or corrupt archives.
 */
export function readZipEntries(bytes: Uint8Array, path?: string): Map<string, Uint8Array> {
  const fail = (problem: string): never => {
    throw new CheckpointFormatError(`corrupt or truncated zip archive: ${problem}`, path);
  };
  const len = bytes.byteLength;
  const v = new DataView(bytes.buffer, bytes.byteOffset, len);
  let eocd = -1;
  for (let i = len - EOCD; i >= 0 && i >= len - EOCD - 0xffff; i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('no end-of-central-directory record');
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  if (eocd >= ZIP64_LOCATOR && v.getUint32(eocd - ZIP64_LOCATOR, true) === 0x07064b50) {
    const at = Number(v.getBigUint64(eocd - ZIP64_LOCATOR + 8, true));
    if (at + ZIP64_EOCD > len || v.getUint32(at, true) !== 0x06064b50) fail('bad zip64 end record');
    count = Number(v.getBigUint64(at + 32, true));
    cdSize = Number(v.getBigUint64(at + 40, true));
    cdOffset = Number(v.getBigUint64(at + 48, true));
  }
  if (cdOffset + cdSize > len || count * CENTRAL_HEADER > cdSize) fail('central directory lies outside the file');

  const entries = new Map<string, Uint8Array>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_HEADER > cdOffset + cdSize || v.getUint32(p, true) !== 0x02014b50) fail(`bad central directory entry ${i}`);
    const utf8Name = (v.getUint16(p + 8, true) & 0x0800) !== 0;
    const method = v.getUint16(p + 10, true);
    let csize = v.getUint32(p + 20, true);
    let usize = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let offset = v.getUint32(p + 42, true);
    if (p + CENTRAL_HEADER + nameLen + extraLen + commentLen > cdOffset + cdSize)
      fail(`central directory entry ${i} overruns the directory`);
    // zip64 extended information (id 1) replaces 0xffffffff fields, in order usize, csize, offset.
    for (let x = p + CENTRAL_HEADER + nameLen; x + 4 <= p + CENTRAL_HEADER + nameLen + extraLen; x += 4 + v.getUint16(x + 2, true)) {
      if (v.getUint16(x, true) !== 1) continue;
      let f = x + 4;
      const next = (): number => {
        if (f + 8 > len) fail('bad zip64 extra field');
        f += 8;
        return Number(v.getBigUint64(f - 8, true));
      };
      if (usize === 0xffffffff) usize = next();
      if (csize === 0xffffffff) csize = next();
      if (offset === 0xffffffff) offset = next();
    }
    if (method !== 0 && method !== 8) fail(`entry ${i} uses unsupported compression method ${method}`);
    if (offset + LOCAL_HEADER > len || v.getUint32(offset, true) !== 0x04034b50) fail(`entry ${i} has no local header`);
    const dataStart = offset + LOCAL_HEADER + v.getUint16(offset + 26, true) + v.getUint16(offset + 28, true);
    if (dataStart + csize > len) fail(`entry ${i} data extends beyond the end of the file`);
    if (method === 0 && csize !== usize) fail(`stored entry ${i} has different compressed and uncompressed sizes`);
    const rawName = bytes.subarray(p + CENTRAL_HEADER, p + CENTRAL_HEADER + nameLen);
    const name = utf8Name ? new TextDecoder().decode(rawName) : String.fromCharCode(...rawName);
    // Stored entries (all of torch's) are views of the file; deflated ones are inflated.
    const raw = bytes.subarray(dataStart, dataStart + csize);
    let data = raw;
    if (method === 8) {
      try {
        data = inflateSync(raw, { out: new Uint8Array(usize) });
      } catch (e) {
        fail(`entry '${name}' could not be inflated: ${(e as Error).message}`);
      }
    }
    if (data.byteLength !== usize) fail(`entry '${name}' has ${data.byteLength} bytes, its header says ${usize}`);
    if (crc32(data) !== v.getUint32(p + 16, true)) fail(`entry '${name}' fails its CRC-32 check`);
    entries.set(name, data);
    p += CENTRAL_HEADER + nameLen + extraLen + commentLen;
  }
  return entries;
}
