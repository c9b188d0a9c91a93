/** Test helpers of the GauGAN plugin: resolved options as the CLI resolves them, and a small segmentation batch. */
import { tf, registerModel, listModels, resolveOptions, type Options, type Phase } from '@translate/core';
import { getDatasetMode } from '@translate/datasets';
import { plugin } from '../src/index.js';

/** Options of `translate <phase> --model gaugan` with the given flags (segmentation dataset mode unless `dataset_mode` is given). */
export function gauganOptions(phase: Phase, flags: Record<string, string | number | boolean>): Options {
  if (!listModels().some((m) => m.plugin.name === 'gaugan')) registerModel(plugin, '@translate/model-gaugan');
  const values = { model: 'gaugan', dataroot: 'unused', ...flags };
  return resolveOptions({ phase, layers: [{ source: 'test', values, commandLine: true }], datasetMode: getDatasetMode }).options;
}

/** A segmentation batch: label ids [N, H, W, 1] (int32), instance ids, photo B in [-1, 1]. */
export type SegBatch = {
  label: tf.Tensor4D;
  instance: tf.Tensor4D;
  B: tf.Tensor4D;
  A_paths: string[];
};

/** N samples of size×size: labels in [0, classes) as 4×4 blocks, instances as 8×8 blocks, a random photo. */
export function segBatch(n: number, size: number, classes: number, seed: number): SegBatch {
  const labelIds = new Int32Array(n * size * size);
  const instanceIds = new Int32Array(n * size * size);
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) / 16777216;
  };
  const blockClass = Array.from({ length: n * size * size }, () => Math.floor(next() * classes));
  for (let b = 0; b < n; b++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const i = (b * size + y) * size + x;
        labelIds[i] = blockClass[(b * size + (y >> 2)) * size + (x >> 2)]!;
        instanceIds[i] = (y >> 3) * 8 + (x >> 3);
      }
  return {
    label: tf.tensor4d(labelIds, [n, size, size, 1], 'int32'),
    instance: tf.tensor4d(instanceIds, [n, size, size, 1], 'int32'),
    B: tf.randomUniform([n, size, size, 3], -1, 1, 'float32', seed) as tf.Tensor4D,
    A_paths: Array.from({ length: n }, (_, i) => `label_${i}.png`),
  };
}

/**
 * The semantic input written out in plain JS: one-hot of the label ids, then 1 where a pixel's
 * instance id differs from a 4-neighbour's.
 */
export function semanticsOf(batch: SegBatch, n: number, size: number, classes: number): tf.Tensor4D {
  const c = classes + 1;
  const out = new Float32Array(n * size * size * c);
  const [labelIds, instanceIds] = [batch.label.dataSync(), batch.instance.dataSync()];
  const inst = (b: number, y: number, x: number) => instanceIds[(b * size + y) * size + x];
  for (let b = 0; b < n; b++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const p = (b * size + y) * size + x;
        out[p * c + labelIds[p]!] = 1;
        const me = inst(b, y, x);
        const edge = [
          [0, 1],
          [0, -1],
          [1, 0],
          [-1, 0],
        ].some(([dy, dx]) => {
          const [yy, xx] = [y + dy!, x + dx!];
          return yy >= 0 && yy < size && xx >= 0 && xx < size && inst(b, yy, xx) !== me;
        });
        out[p * c + classes] = edge ? 1 : 0;
      }
  return tf.tensor4d(out, [n, size, size, c]);
}
