/**
 * GauGAN's semantic input, built on the tensor side from a segmentation batch (SPADE's
 * `preprocess_input`): a one-hot of `label_nc + contain_dontcare_label` channels, then (unless
 * `no_instance`) one channel of instance boundaries.
 */
import { tf } from '@translate/core';

type Tensor4D = tf.Tensor4D;

/** One-hot float32 [N, H, W, nc] of an int32 label batch [N, H, W, 1]; ids must be < nc (the dataset checks). */
export function labelOneHot(label: Tensor4D, nc: number): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = label.shape;
    return tf.reshape(tf.cast(tf.oneHot(tf.cast(tf.reshape(label, [n * h * w]), 'int32') as tf.Tensor1D, nc), 'float32'), [
      n,
      h,
      w,
      nc,
    ]) as Tensor4D;
  });
}

/** 1 where a pixel's instance id differs from its left, right, upper or lower neighbour; float32 [N, H, W, 1]. */
export function instanceEdges(instance: Tensor4D): Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = instance.shape;
    const t = tf.cast(instance, 'int32');
    const dx = tf.notEqual(tf.slice(t, [0, 0, 1, 0], [-1, -1, w - 1, -1]), tf.slice(t, [0, 0, 0, 0], [-1, -1, w - 1, -1]));
    const dy = tf.notEqual(tf.slice(t, [0, 1, 0, 0], [-1, h - 1, -1, -1]), tf.slice(t, [0, 0, 0, 0], [-1, h - 1, -1, -1]));
    const pad = (x: tf.Tensor, p: [number, number][]) => tf.pad(tf.cast(x, 'float32'), p);
    const edges = tf.maximum(
      tf.maximum(
        pad(dx, [
          [0, 0],
          [0, 0],
          [1, 0],
          [0, 0],
        ]),
        pad(dx, [
          [0, 0],
          [0, 0],
          [0, 1],
          [0, 0],
        ]),
      ),
      tf.maximum(
        pad(dy, [
          [0, 0],
          [1, 0],
          [0, 0],
          [0, 0],
        ]),
        pad(dy, [
          [0, 0],
          [0, 1],
          [0, 0],
          [0, 0],
        ]),
      ),
    );
    return edges as Tensor4D;
  });
}

/** Options that shape the semantic input. */
export interface SemanticOptions {
  label_nc: number;
  contain_dontcare_label: boolean;
  no_instance: boolean;
}

/** Number of channels of the semantic input: label_nc + contain_dontcare_label + (not no_instance). */
export function semanticChannels(o: SemanticOptions): number {
  return o.label_nc + (o.contain_dontcare_label ? 1 : 0) + (o.no_instance ? 0 : 1);
}

/** The generator's input: one-hot labels, then the instance edge map unless `no_instance`. */
export function semanticInput(batch: { label?: Tensor4D; instance?: Tensor4D }, o: SemanticOptions): Tensor4D {
  if (!batch.label) throw new Error('semanticInput needs a batch from the segmentation mode (no label field)');
  const oneHot = labelOneHot(batch.label, o.label_nc + (o.contain_dontcare_label ? 1 : 0));
  if (o.no_instance) return oneHot;
  if (!batch.instance) throw new Error('semanticInput: the batch has no instance maps; set no_instance');
  const edges = instanceEdges(batch.instance);
  const out = tf.concat([oneHot, edges], 3) as Tensor4D;
  oneHot.dispose();
  edges.dispose();
  return out;
}
