/** Runs exported ONNX models with onnxruntime-node and compares them with the modules' own forward on the cpu backend. */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { exportOnnx, type OnnxExport } from '../../src/export/onnx/index.js';
import type { Module } from '../../src/nn/module.js';
import type { OnnxSignature } from '../../src/export/onnx/signature.js';

/** Uses the cpu backend (float32 reference arithmetic) for the forward passes compared with onnxruntime. */
export async function useCpuBackend(): Promise<void> {
  await initBackend('cpu', { log: () => {} });
}

/** Exports `module` with a test producer (and `signature`, default the module's own). */
export function exportForTest<In>(module: Module<In, any>, signature?: OnnxSignature<In>): OnnxExport {
  return exportOnnx(module, 'test', { name: 'translate-test', version: '0' }, signature);
}

/** Runs ONNX model bytes on NHWC inputs (converted to NCHW; 2-D inputs as they are) and returns `output` as NHWC. */
export async function runOnnx(bytes: Uint8Array, inputs: Record<string, tf.Tensor>): Promise<tf.Tensor> {
  const session = await InferenceSession.create(bytes);
  try {
    const feeds: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(inputs)) {
      const nchw = value.rank === 4 ? tf.transpose(value, [0, 3, 1, 2]) : value.clone();
      feeds[name] = new Tensor('float32', nchw.dataSync() as Float32Array, nchw.shape);
      nchw.dispose();
    }
    const { output } = await session.run(feeds);
    const dims = [...output!.dims];
    return tf.tidy(() => tf.transpose(tf.tensor(output!.data as Float32Array, dims), [0, 2, 3, 1]));
  } finally {
    await session.release();
  }
}

/** Largest absolute difference of two same-shape tensors (a shape mismatch throws). */
export function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** A seeded NHWC input with values in [-1, 1]. */
export function randomImage(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** max |onnxruntime(export(module)) − module.forward| on `input`, the export's notes, and the output shape. */
export async function compareWithForward(
  module: Module,
  input: tf.Tensor4D,
  signature?: OnnxSignature<tf.Tensor4D>,
): Promise<{ diff: number; notes: string[]; shape: number[] }> {
  const { bytes, notes } = exportForTest(module, signature);
  const expected = module.forward(input, { updateState: false });
  const actual = await runOnnx(bytes, { input });
  const diff = maxAbsDifference(actual, expected);
  const shape = [...actual.shape];
  tf.dispose([expected, actual]);
  return { diff, notes, shape };
}
