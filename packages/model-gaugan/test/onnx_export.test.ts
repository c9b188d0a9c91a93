/** ONNX export of GauGAN's generators: SPADE (spectral norm, sync-batch or instance param-free norm, VAE z input) and pix2pixHD. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@translate/core';
import { Pix2PixHDGenerator, SPADEGenerator, type SpadeGeneratorOptions } from '../src/index.js';
import { parsePlainNorm, parseSpadeNorm } from '../src/spade/index.js';
import { exportForTest, maxAbsDifference, runOnnx, useCpuBackend } from '../../core/test/export/onnx_helpers.js';

beforeAll(useCpuBackend);

/** A one-hot NHWC semantic map of `labels` classes. */
function semanticMap(n: number, h: number, w: number, labels: number, seed: number): tf.Tensor4D {
  return tf.tidy(
    () =>
      tf.cast(
        tf.oneHot(tf.cast(tf.floor(tf.randomUniform([n, h, w], 0, labels, 'float32', seed)), 'int32'), labels),
        'float32',
      ) as tf.Tensor4D,
  );
}

const spade = (options: Partial<SpadeGeneratorOptions>) =>
  new SPADEGenerator({
    semanticNc: 4,
    ngf: 4,
    outputNc: 3,
    norm: parseSpadeNorm('spectralspadesyncbatch3x3'),
    numUpsamplingLayers: 'normal',
    cropSize: 64,
    aspectRatio: 2,
    useVae: false,
    zDim: 8,
    ...options,
  });

describe('ONNX export of the SPADE generator', () => {
  it('spectral sync-batch SPADE in eval mode (fixed 32×64 input) equals forward', async () => {
    const net = spade({});
    tf.dispose(net.forward({ segmap: semanticMap(2, 32, 64, 4, 3) })); // train-mode pass: running statistics and u, v move
    net.eval();
    const { bytes, signature, notes } = exportForTest(net);
    expect(signature.inputs.map((i) => [i.name, i.dims])).toEqual([['input', ['N', 4, 32, 64]]]);
    expect(notes).toEqual([]);
    const segmap = semanticMap(2, 32, 64, 4, 9);
    const expected = net.forward({ segmap });
    const actual = await runOnnx(bytes, { input: segmap });
    expect(actual.shape).toEqual([2, 32, 64, 3]);
    expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-4);
    tf.dispose([segmap, expected, actual]);
    net.dispose();
  });

  it('a VAE generator with instance-norm SPADE and "more" upsampling takes z as its second input', async () => {
    const net = spade({
      norm: parseSpadeNorm('spadeinstance3x3'),
      useVae: true,
      numUpsamplingLayers: 'more',
      cropSize: 64,
      aspectRatio: 1,
    });
    net.eval();
    const { bytes, signature } = exportForTest(net);
    expect(signature.inputs.map((i) => [i.name, i.dims])).toEqual([
      ['input', ['N', 4, 64, 64]],
      ['z', ['N', 8]],
    ]);
    const segmap = semanticMap(1, 64, 64, 4, 4);
    const z = tf.randomNormal([1, 8], 0, 1, 'float32', 5) as tf.Tensor2D;
    const expected = net.forward({ segmap, z });
    const actual = await runOnnx(bytes, { input: segmap, z });
    expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-4);
    tf.dispose([segmap, z, expected, actual]);
    net.dispose();
  });
});

describe('ONNX export of the pix2pixHD generator', () => {
  it('instance norm, 2 downsamplings, at two sizes', async () => {
    const net = new Pix2PixHDGenerator({
      semanticNc: 5,
      outputNc: 3,
      ngf: 4,
      norm: parsePlainNorm('instance', '--norm_G'),
      nDownsample: 2,
      nBlocks: 2,
      kernelSize: 3,
      initialKernelSize: 7,
    });
    net.eval();
    const { bytes } = exportForTest(net);
    for (const [h, w] of [
      [16, 16],
      [24, 32],
    ] as const) {
      const segmap = semanticMap(2, h, w, 5, h);
      const expected = net.forward({ segmap });
      const actual = await runOnnx(bytes, { input: segmap });
      expect(maxAbsDifference(actual, expected)).toBeLessThan(1e-4);
      tf.dispose([segmap, expected, actual]);
    }
    net.dispose();
  });
});
