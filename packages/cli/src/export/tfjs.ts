/**
 * `translate export --format tfjs`: not written. A Layers model (`tf.loadLayersModel`) cannot hold
 * translate's networks without custom layers (reflect padding, instance norm, PyTorch-order pixel
 * shuffle have no Keras layer in TF.js), which users would have to register from our code; a graph
 * model needs a GraphDef writer for every op, layout and dynamic shape. The web build (which runs
 * the networks on TF.js) and ONNX (onnxruntime-web in browsers) are the supported paths.
 */
import { OptionError } from '@translate/core';
import type { ExportContext } from './formats.js';

/** Refuses the tfjs export with why, and what to use instead (a usage error: exit 2). */
export async function writeTfjs(_ctx: ExportContext): Promise<string[]> {
  throw new OptionError(
    "--format tfjs is not supported: TF.js's loadLayersModel would need translate's custom layers (reflect padding, instance norm, PyTorch-order pixel shuffle) registered from our code. " +
      'Use --format web for a page that runs the model on TF.js in a browser, or --format onnx for onnxruntime (Node, Python, onnxruntime-web) and Triton; see docs/export.md.',
  );
}
