/** How a module's forward input maps to ONNX value names, and what a whole exported network takes and gives. */
import type { tf } from '../../tf.js';
import type { OnnxValueInfo } from './graph.js';

/** The ONNX value names that stand for a forward input: a name per tensor, in the input's own shape (any for an unknown input). */
export type OnnxValues<T> = unknown extends T
  ? any
  : T extends tf.Tensor
    ? string
    : T extends undefined
      ? undefined
      : T extends object
        ? { [K in keyof T]: OnnxValues<T[K]> }
        : string;

/** A network's ONNX interface: the graph inputs, the forward input made of them, and the graph output. */
export interface OnnxSignature<In> {
  inputs: OnnxValueInfo[];
  /** The forward input, by graph input name (e.g. `'input'` or `{ segmap: 'input', z: 'z' }`). */
  forwardInput: OnnxValues<In>;
  output: OnnxValueInfo;
}

/** The usual image-to-image signature: `input` [N, inputNc, H, W] → `output` [N, outputNc, outH, outW], both float32 NCHW. */
export function imageSignature(
  input: { channels: number; description: string },
  output: { channels: number; description: string; height?: string; width?: string },
): OnnxSignature<tf.Tensor4D> {
  return {
    inputs: [{ name: 'input', dims: ['N', input.channels, 'H', 'W'], description: input.description }],
    forwardInput: 'input',
    output: { name: 'output', dims: ['N', output.channels, output.height ?? 'H', output.width ?? 'W'], description: output.description },
  };
}
