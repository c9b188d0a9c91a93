/** ONNX export of SRGAN's SRResNet generator: PReLU, pixel shuffle (DepthToSpace CRD), ×2 and ×4, batch norm in both modes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@translate/core';
import { SRResNetGenerator } from '../src/index.js';
import { compareWithForward, exportForTest, useCpuBackend } from '../../core/test/export/onnx_helpers.js';

beforeAll(useCpuBackend);

/** A seeded NHWC image in [0, 1], SRResNet's input range. */
const lowRes = (shape: [number, number, number, number], seed: number) => tf.randomUniform(shape, 0, 1, 'float32', seed) as tf.Tensor4D;

describe('ONNX export of SRResNetGenerator', () => {
  it('×2 with batch norm, eval mode: output 2× the input, equal to forward', async () => {
    const net = new SRResNetGenerator({ scale: 2, nBlocks: 2, ngf: 8, inputNc: 3, outputNc: 3 });
    tf.dispose(net.forward(lowRes([2, 12, 12, 3], 1)));
    net.eval();
    expect(exportForTest(net).signature.output.dims).toEqual(['N', 3, '2H', '2W']);
    const input = lowRes([2, 10, 14, 3], 2);
    const { diff, shape } = await compareWithForward(net, input);
    expect(shape).toEqual([2, 20, 28, 3]);
    expect(diff).toBeLessThan(1e-4);
    input.dispose();
    net.dispose();
  });

  it("×4 with the published files' PReLU trunk end, train mode (batch statistics)", async () => {
    const net = new SRResNetGenerator({ scale: 4, nBlocks: 1, ngf: 8, inputNc: 3, outputNc: 3, trunkEnd: 'prelu' });
    const input = lowRes([2, 8, 6, 3], 3);
    const { diff, shape, notes } = await compareWithForward(net, input);
    expect(shape).toEqual([2, 32, 24, 3]);
    expect(diff).toBeLessThan(1e-4);
    expect(notes.join(' ')).toContain('statistics of each batch');
    input.dispose();
    net.dispose();
  });
});
