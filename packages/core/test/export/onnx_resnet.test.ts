/** ONNX export of the resnet generators: reflect pads, instance or batch norm, transposed convs with output_padding, dynamic N/H/W. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { ResnetGenerator } from '../../src/networks/resnet.js';
import { Conv2d, ConvTranspose2d } from '../../src/nn/conv.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Pad2d } from '../../src/nn/pad.js';
import { imageSignature } from '../../src/export/onnx/signature.js';
import { compareWithForward, exportForTest, maxAbsDifference, randomImage, runOnnx, useCpuBackend } from './onnx_helpers.js';

beforeAll(useCpuBackend);

describe('ONNX export of ResnetGenerator', () => {
  it('resnet_9blocks with instance norm equals forward at two sizes, batch 2, through one model', async () => {
    const net = new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false, nBlocks: 9 });
    const { bytes, signature } = exportForTest(net);
    expect(signature.inputs[0]!.dims).toEqual(['N', 3, 'H', 'W']);
    for (const shape of [
      [2, 32, 32, 3],
      [2, 24, 40, 3],
    ] as Array<[number, number, number, number]>) {
      const input = randomImage(shape);
      const expected = net.forward(input);
      const actual = await runOnnx(bytes, { input });
      expect(actual.shape).toEqual(shape);
      expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-4);
      tf.dispose([input, expected, actual]);
    }
    net.dispose();
  });

  it('resnet_6blocks with batch norm: running statistics in eval mode, batch statistics in train mode', async () => {
    const net = new ResnetGenerator({ inputNc: 1, outputNc: 3, ngf: 4, norm: 'batch', useDropout: false, nBlocks: 6 });
    // Move the running statistics off their initial 0 / 1, so that eval and train mode differ.
    tf.dispose(net.forward(tf.tidy(() => tf.add(tf.mul(randomImage([2, 32, 32, 1], 5), 3), 1))));
    const input = randomImage([2, 32, 32, 1]);
    net.eval();
    const evalMode = await compareWithForward(net, input);
    expect(evalMode.diff).toBeLessThan(1e-4);
    expect(evalMode.notes).toEqual([]);
    net.train();
    const trainMode = await compareWithForward(net, input);
    expect(trainMode.diff).toBeLessThan(1e-4);
    expect(trainMode.notes.join(' ')).toContain('statistics of each batch');
    input.dispose();
    net.dispose();
  });

  it('ConvTranspose2d with output_padding larger than padding, and replicate padding', async () => {
    const net = new Sequential([
      new Pad2d([1, 2, 0, 3], 'replicate'),
      new ConvTranspose2d({ inChannels: 2, outChannels: 3, kernelSize: 3, stride: 3, padding: 1, outputPadding: 2 }),
      new Conv2d({ inChannels: 3, outChannels: 2, kernelSize: [3, 5], padding: [1, 2], paddingMode: 'reflect' }),
    ]);
    const input = randomImage([1, 5, 6, 2]);
    const { diff, shape } = await compareWithForward(
      net,
      input,
      imageSignature({ channels: 2, description: 'x' }, { channels: 2, description: 'y' }),
    );
    // Padded to 8×9; then (8 − 1)·3 − 2 + 3 + 2 = 24 rows and (9 − 1)·3 − 2 + 3 + 2 = 27 columns.
    expect(shape).toEqual([1, 24, 27, 2]);
    expect(diff).toBeLessThan(1e-4);
    input.dispose();
    net.dispose();
  });
});
