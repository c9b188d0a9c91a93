/**
 * SPADE's label colouring (`util/util.py` `labelcolormap` / `Colorize`): class i gets the colour
 * whose bits interleave those of i + 1 (the PASCAL VOC scheme), except the 35-entry Cityscapes
 * palette. Used for the `input_label` visual, with label_nc + 2 colours as SPADE's visualizer.
 */
import { tf } from '@translate/core';

/** Cityscapes' official label colours (ids 0–34). */
const CITYSCAPES: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
  [111, 74, 0],
  [81, 0, 81],
  [128, 64, 128],
  [244, 35, 232],
  [250, 170, 160],
  [230, 150, 140],
  [70, 70, 70],
  [102, 102, 156],
  [190, 153, 153],
  [180, 165, 180],
  [150, 100, 100],
  [150, 120, 90],
  [153, 153, 153],
  [153, 153, 153],
  [250, 170, 30],
  [220, 220, 0],
  [107, 142, 35],
  [152, 251, 152],
  [70, 130, 180],
  [220, 20, 60],
  [255, 0, 0],
  [0, 0, 142],
  [0, 0, 70],
  [0, 60, 100],
  [0, 0, 90],
  [0, 0, 110],
  [0, 80, 100],
  [0, 0, 230],
  [119, 11, 32],
  [0, 0, 142],
];

/** `labelcolormap(n)`: n RGB colours (0–255). */
export function labelColormap(n: number): Array<[number, number, number]> {
  if (n === CITYSCAPES.length) return CITYSCAPES.map((c) => [...c]);
  return Array.from({ length: n }, (_, i) => {
    let [r, g, b] = [0, 0, 0];
    let id = i + 1;
    for (let j = 0; j < 7; j++) {
      r ^= (id & 1) << (7 - j);
      g ^= ((id >> 1) & 1) << (7 - j);
      b ^= ((id >> 2) & 1) << (7 - j);
      id >>= 3;
    }
    return [r, g, b];
  });
}

/**
 * An int32 label batch [N, H, W, 1] as an RGB batch in [-1, 1] whose `tensorToImage` pixels are
 * exactly the colours (each value sits half a step above its 8-bit level, so truncation keeps it).
 * Ids outside the map are black.
 */
export function colorizeLabels(label: tf.Tensor4D, n: number): tf.Tensor4D {
  return tf.tidy(() => {
    const table = tf.tensor2d(
      [
        ...labelColormap(n)
          .flat()
          .map((v) => (v + 0.5) / 127.5 - 1),
        ...[0.5, 0.5, 0.5].map((v) => v / 127.5 - 1),
      ],
      [n + 1, 3],
    );
    const [batch, h, w] = label.shape;
    const ids = tf.cast(tf.reshape(label, [batch * h * w]), 'int32');
    const safe = tf.where(tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, n)), ids, tf.fill([batch * h * w], n, 'int32'));
    return tf.reshape(tf.gather(table, safe), [batch, h, w, 3]) as tf.Tensor4D;
  });
}
