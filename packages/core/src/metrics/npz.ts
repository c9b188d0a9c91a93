/**
 * numpy's `.npz` (a zip of `.npy` arrays, as `np.savez` / `np.savez_compressed` write it), for
 * little-endian float32/float64/int32/int64 arrays in C order. clean-fid keeps its precomputed
 * statistics in this format (`mu`, `sigma`, float64).
 */
import { unzipSync, zipSync } from 'fflate';

/** One array: its values (float64 or float32 as stored; integers as float64) and shape. */
export interface NpyArray {
  data: Float32Array | Float64Array;
  shape: number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Reads every array of an `.npz` file's bytes, by name (without the `.npy` suffix). */
export function readNpz(bytes: Uint8Array, source = 'npz'): Map<string, NpyArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new RangeError(`${source} is not an .npz (zip) file: ${(err as Error).message}`);
  }
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(entries)) arrays.set(name.replace(/\.npy$/, ''), readNpy(data, `${source}:${name}`));
  return arrays;
}

/** Writes arrays as an `.npz` (deflated like `np.savez_compressed`; float64 stays `<f8`, float32 `<f4`). */
export function writeNpz(arrays: ReadonlyMap<string, NpyArray>): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, array] of arrays) files[`${name}.npy`] = writeNpy(array);
  return zipSync(files, { level: 6 });
}

/** Parses one `.npy` file (format versions 1–3). */
export function readNpy(bytes: Uint8Array, source = 'npy'): NpyArray {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new RangeError(`${source} is not a .npy array (bad magic).`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new RangeError(`${source}: unreadable .npy header ${header.trim()}`);
  if (fortran === 'True') throw new RangeError(`${source}: Fortran-ordered arrays are not supported.`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.slice(start + headerLength);
  return { data: decodeValues(body, descr, count, source), shape };
}

function decodeValues(body: Uint8Array, descr: string, count: number, source: string): Float32Array | Float64Array {
  const sizes: Record<string, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<i8': 8 };
  const size = sizes[descr];
  if (size === undefined) throw new RangeError(`${source}: dtype ${descr} is not supported (float32/float64/int32/int64, little-endian).`);
  if (body.byteLength < count * size) throw new RangeError(`${source}: ${body.byteLength} bytes for ${count} values of ${descr}.`);
  const buffer = body.buffer.slice(body.byteOffset, body.byteOffset + count * size);
  if (descr === '<f4') return new Float32Array(buffer);
  if (descr === '<f8') return new Float64Array(buffer);
  if (descr === '<i4') return Float64Array.from(new Int32Array(buffer));
  return Float64Array.from(new BigInt64Array(buffer), Number);
}

/** Serialises one array as a version-1 `.npy` (header padded to a multiple of 64 bytes, as numpy does). */
export function writeNpy(array: NpyArray): Uint8Array {
  const descr = array.data instanceof Float64Array ? '<f8' : '<f4';
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += `${' '.repeat(64 - ((10 + header.length + 1) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + array.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), 10 + header.length);
  return out;
}
