import { describe, expect, it } from 'vitest';
import { useBackend } from './helpers.js';
import { tf } from '@translate/core';

describe('tf', () => {
  it('adds on the cpu backend', async () => {
    await useBackend('cpu');
    expect(Array.from(await tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).data())).toEqual([4, 6]);
  });
});
