import { describe, expect, it } from 'vitest';
import { tf } from '@translate/core';
import { instanceEdges, labelOneHot, semanticChannels, semanticInput } from '../src/semantics.js';

describe('semantic input (tensor side)', () => {
  it('one-hot has label_nc + dontcare channels; edges mark both sides of every boundary', () => {
    const label = tf.tensor4d([0, 1, 1, 2], [1, 2, 2, 1], 'int32');
    const oh = labelOneHot(label, 3);
    expect(oh.shape).toEqual([1, 2, 2, 3]);
    expect(Array.from(oh.dataSync())).toEqual([1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1]);
    const inst = tf.tensor4d([5, 5, 7, 5, 5, 7, 5, 5, 5], [1, 3, 3, 1], 'int32');
    expect(Array.from(instanceEdges(inst).dataSync())).toEqual([0, 1, 1, 0, 1, 1, 0, 0, 1]);
    const sem = semanticInput(
      { label, instance: tf.tensor4d([1, 1, 1, 1], [1, 2, 2, 1], 'int32') },
      { label_nc: 2, contain_dontcare_label: true, no_instance: false },
    );
    expect(sem.shape).toEqual([1, 2, 2, semanticChannels({ label_nc: 2, contain_dontcare_label: true, no_instance: false })]);
    expect(sem.shape[3]).toBe(4);
    tf.dispose([label, oh, inst, sem]);
  });
});
