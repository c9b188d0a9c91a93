/** `translate weights convert --dtype`: casts the float tensors of a state dict, keeping integer and bool tensors. */
import { OptionError, toFloat32, type RawDType, type RawStateDict, type RawTensor } from '@translate/core';
import { FLOAT_DTYPES } from './weights_file.js';

/** The `--dtype` values and the tensor dtype each casts float tensors to. */
export const CAST_DTYPES = { float32: 'F32', float16: 'F16' } as const satisfies Record<string, RawDType>;

/** One of the `--dtype` names. */
export type CastDtype = keyof typeof CAST_DTYPES;

/** Checks a `--dtype` value. */
export function parseCastDtype(value: string): CastDtype {
  if (!Object.hasOwn(CAST_DTYPES, value))
    throw new OptionError(`--dtype '${value}' is not supported; use ${Object.keys(CAST_DTYPES).join(' or ')}.`);
  return value as CastDtype;
}

/** A copy of `tensors` whose float tensors (F64, F32, F16, BF16) are `dtype` (float16: rounded to nearest even, as torch's `.half()`). */
export function castFloatTensors(tensors: RawStateDict, dtype: CastDtype): RawStateDict {
  const target = CAST_DTYPES[dtype];
  const out: RawStateDict = new Map();
  for (const [key, t] of tensors) out.set(key, FLOAT_DTYPES.has(t.dtype) && t.dtype !== target ? cast(t, key, target) : t);
  return out;
}

function cast(t: RawTensor, key: string, target: 'F32' | 'F16'): RawTensor {
  const values = toFloat32(t, key);
  if (target === 'F32') return { dtype: 'F32', shape: [...t.shape], data: values };
  const halves = Uint16Array.from(values, halfBits);
  return { dtype: 'F16', shape: [...t.shape], data: new Uint8Array(halves.buffer) };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The IEEE 754 half-precision bits of a float32 value, rounded to nearest even (overflow → ±Inf, NaN stays NaN). */
function halfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff - 127 + 15) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    // Subnormal half: the full 24-bit significand shifted into the 10 mantissa bits.
    if (exponent < -10) return sign;
    return sign | roundedShift(mantissa | 0x800000, 14 - exponent);
  }
  // A carry out of the mantissa raises the exponent, up to Inf: the bits stay right.
  return sign | roundedShift((exponent << 23) | mantissa, 13);
}

/** `bits >> shift`, rounded to nearest, ties to even. */
function roundedShift(bits: number, shift: number): number {
  const kept = bits >>> shift;
  const rest = bits & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}
