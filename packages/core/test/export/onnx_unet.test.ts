/** ONNX export of the U-Net generators (skip concats, batch norm, dropout) in eval and in train mode. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { UnetGenerator, type UnetGeneratorOptions } from '../../src/networks/unet.js';
import { compareWithForward, exportForTest, maxAbsDifference, randomImage, runOnnx, useCpuBackend } from './onnx_helpers.js';

beforeAll(useCpuBackend);

const unet = (numDowns: number, options: Partial<UnetGeneratorOptions> = {}) =>
  new UnetGenerator({ inputNc: 3, outputNc: 2, ngf: 4, norm: 'batch', useDropout: true, numDowns, ...options });

describe('ONNX export of UnetGenerator', () => {
  it('unet_256 with batch norm and dropout in eval mode equals forward, no notes', async () => {
    const net = unet(8);
    tf.dispose(net.forward(randomImage([2, 256, 256, 3], 7), { updateState: true }));
    net.eval();
    const input = randomImage([1, 256, 256, 3]);
    const { diff, notes, shape } = await compareWithForward(net, input);
    expect(exportForTest(net).batchDependent).toBe(false);
    expect(shape).toEqual([1, 256, 256, 2]);
    expect(diff).toBeLessThan(1e-4);
    expect(notes).toEqual([]);
    input.dispose();
    net.dispose();
  });

  it('unet_128 in train mode: batch statistics, dropout as the identity (equal to the same weights without dropout), both noted', async () => {
    const net = unet(7, { norm: 'batch' });
    const { bytes, notes, batchDependent } = exportForTest(net);
    expect(batchDependent).toBe(true);
    expect(notes).toHaveLength(2);
    expect(notes.join(' ')).toContain('Dropout is exported as the identity');
    expect(notes.join(' ')).toContain('statistics of each batch');
    const twin = unet(7, { useDropout: false });
    twin.loadStateDict(net.stateDict());
    const input = randomImage([2, 128, 128, 3]);
    const expected = twin.forward(input, { updateState: false });
    const actual = await runOnnx(bytes, { input });
    expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-4);
    tf.dispose([input, expected, actual]);
    net.dispose();
    twin.dispose();
  });

  it('unet_32 with instance norm takes two sizes through one model', async () => {
    const net = unet(5, { norm: 'instance', useDropout: false });
    const { bytes } = exportForTest(net);
    for (const shape of [
      [2, 32, 32, 3],
      [1, 64, 96, 3],
    ] as Array<[number, number, number, number]>) {
      const input = randomImage(shape);
      const expected = net.forward(input);
      const actual = await runOnnx(bytes, { input });
      expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-4);
      tf.dispose([input, expected, actual]);
    }
    net.dispose();
  });
});
