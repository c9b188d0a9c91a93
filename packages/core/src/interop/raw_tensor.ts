/** Element types that checkpoint files carry (safetensors names). */
export type RawDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/**
 * A tensor as stored in a checkpoint file: PyTorch layout (NCHW activations, OIHW conv weights,
 * IOHW transposed-conv weights), row-major, little-endian, no tfjs involved.
 * `data` is a Float32Array for F32, a BigInt64Array for I64, and raw bytes (Uint8Array) otherwise.
 */
export interface RawTensor {
  dtype: RawDType;
  shape: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

/** An ordered map of state-dict key → tensor, in file order. */
export type RawStateDict = Map<string, RawTensor>;
