/**
 * identifyGauganWeights: SPADE generators and style encoders in their variants come back as the
 * options that rebuild them; other state dicts are not claimed.
 */
import { describe, expect, it } from 'vitest';
import { tf, type Module, type RawStateDict } from '@translate/core';
import { parsePlainNorm, parseSpadeNorm } from '../src/spade/index.js';
import { ConvEncoder, SPADEGenerator, identifyGauganWeights, type SpadeGeneratorOptions } from '../src/index.js';
import { useBackend } from '../../core/test/helpers.js';

/** The state dict of a freshly built network (which is disposed again). */
function stateOf(build: () => Module<any, any>): RawStateDict {
  const net = build();
  const state = net.stateDict();
  net.dispose();
  return state;
}

const generator = (options: Partial<SpadeGeneratorOptions> & { normG?: string } = {}) =>
  stateOf(
    () =>
      new SPADEGenerator({
        semanticNc: 6,
        ngf: 2,
        outputNc: 3,
        norm: parseSpadeNorm(options.normG ?? 'spectralspadesyncbatch3x3'),
        numUpsamplingLayers: 'normal',
        cropSize: 64,
        aspectRatio: 1,
        useVae: false,
        zDim: 8,
        ...options,
      }),
  );

describe('identifyGauganWeights', () => {
  it('a default SPADE generator: semantic channels as label_nc with instance maps, ngf, norm_G, upsampling', async () => {
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    const match = identifyGauganWeights(generator());
    expect(tf.memory().numTensors).toBe(before);
    expect(match).toMatchObject({
      options: { netG: 'spade', label_nc: 5, ngf: 2, norm_G: 'spectralspadesyncbatch3x3', num_upsampling_layers: 'normal' },
      description:
        'SPADE generator (GauGAN), ngf 2, 6 semantic channels, norm_G spectralspadesyncbatch3x3, normal upsampling, 3 output channels',
    });
    expect(match!.notes).toContain(
      "Its 6 semantic channels are label_nc + contain_dontcare_label + 1 for the instance map: the flags assume instance maps and no don't-care label (SPADE's defaults); --label_nc 6 --no_instance or --label_nc 4 --contain_dontcare_label load the same weights.",
    );
  });

  it('no spectral norm, instance param-free norm, 5×5 SPADE kernels, most upsampling, one output channel', async () => {
    await useBackend('cpu');
    const match = identifyGauganWeights(generator({ normG: 'spadeinstance5x5', numUpsamplingLayers: 'most', outputNc: 1, cropSize: 128 }));
    expect(match?.options).toEqual({
      netG: 'spade',
      label_nc: 5,
      ngf: 2,
      norm_G: 'spadeinstance5x5',
      num_upsampling_layers: 'most',
      output_nc: 1,
    });
  });

  it('a VAE generator: z_dim, and crop_size / aspect_ratio from the linear start map', async () => {
    await useBackend('cpu');
    expect(identifyGauganWeights(generator({ useVae: true, cropSize: 128 }))?.options).toMatchObject({
      use_vae: true,
      z_dim: 8,
      crop_size: 128,
    });
    const wide = identifyGauganWeights(generator({ useVae: true, cropSize: 128, aspectRatio: 2 }));
    expect(wide?.options).toMatchObject({ use_vae: true, crop_size: 128, aspect_ratio: 2 });
    expect(wide?.description).toContain('VAE (z_dim 8)');
  });

  it('the style encoder E: ngf, norm_E, z_dim and its layer count', async () => {
    await useBackend('cpu');
    const encoder = (norm: string, cropSize: number) =>
      stateOf(() => new ConvEncoder({ ngf: 2, norm: parsePlainNorm(norm, '--norm_E'), cropSize, zDim: 8, inputNc: 3 }));
    const match = identifyGauganWeights(encoder('spectralinstance', 256));
    expect(match).toMatchObject({
      network: 'E',
      options: { netG: 'spade', use_vae: true, ngf: 2, norm_E: 'spectralinstance', z_dim: 8, crop_size: 256 },
    });
    expect(identifyGauganWeights(encoder('batch', 64))?.options).toMatchObject({ norm_E: 'batch', crop_size: 128 });
    expect(identifyGauganWeights(encoder('spectral', 256))?.options).toMatchObject({ norm_E: 'spectral' });
  });

  it('claims nothing else, nor a SPADE generator with a broken key', async () => {
    await useBackend('cpu');
    const state = generator();
    state.delete('up_3.conv_1.bias');
    expect(identifyGauganWeights(state)).toBeNull();
    expect(
      identifyGauganWeights(new Map([['model.1.weight', { dtype: 'F32', shape: [1, 1, 7, 7], data: new Float32Array(49) }]])),
    ).toBeNull();
  });
});
