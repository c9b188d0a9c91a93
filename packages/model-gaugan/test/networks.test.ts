/**
 * GauGAN's networks: trainable parameter counts equal docs/reference.md §2.10 (ngf = ndf = 64, normal
 * upsampling), state-dict keys equal the SPADE reference's, D output shapes of §2.7, generator
 * output sizes for every --num_upsampling_layers and --aspect_ratio.
 */
import { describe, expect, it } from 'vitest';
import { tf, type Module } from '@translate/core';
import { parsePlainNorm, parseSpadeNorm } from '../src/spade/index.js';
import {
  ConvEncoder,
  Pix2PixHDGenerator,
  SPADEGenerator,
  latentSize,
  spadeDiscriminator,
  type SpadeGeneratorOptions,
} from '../src/index.js';
import { useBackend } from '../../core/test/helpers.js';

/** Counts the parameters of a freshly built network and frees it. */
function count(build: () => Module<any, any>): number {
  const net = build();
  const n = net.numParameters();
  net.dispose();
  return n;
}

const spadeG = (semanticNc: number, extra: Partial<SpadeGeneratorOptions> = {}) =>
  new SPADEGenerator({
    semanticNc,
    ngf: 64,
    outputNc: 3,
    norm: parseSpadeNorm('spectralspadesyncbatch3x3'),
    numUpsamplingLayers: 'normal',
    cropSize: 256,
    aspectRatio: 1,
    useVae: false,
    zDim: 256,
    ...extra,
  });
const multiscaleD = (semanticNc: number, ndf = 64, nLayers = 4) =>
  spadeDiscriminator('multiscale', 2, { inputNc: semanticNc + 3, ndf, nLayers, norm: parsePlainNorm('spectralinstance', '--norm_D') }).net;

describe('parameter counts equal docs/reference.md §2.10', () => {
  it.each([
    ['ADE20K', 151, 96_492_483, 5_836_930],
    ['COCO', 184, 97_480_899, 5_904_514],
    ['Cityscapes', 36, 93_048_003, 5_601_410],
    ['Facades', 13, 92_359_107, 5_554_306],
  ] as const)('%s (semantic_nc %i): G %i, two-scale D %i', async (_name, semanticNc, g, d) => {
    await useBackend('cpu');
    expect(count(() => spadeG(semanticNc))).toBe(g);
    expect(count(() => multiscaleD(semanticNc))).toBe(d);
  });

  it('COCO generator with --use_vae (Linear 256 → 1024·8·8): 112,626,883; ConvEncoder (crop 256): 10,463,424', async () => {
    await useBackend('cpu');
    expect(count(() => spadeG(184, { useVae: true }))).toBe(112_626_883);
    expect(
      count(() => new ConvEncoder({ ngf: 64, norm: parsePlainNorm('spectralinstance', '--norm_E'), cropSize: 256, zDim: 256, inputNc: 3 })),
    ).toBe(10_463_424);
  });
});

describe('state-dict keys equal the SPADE reference', () => {
  it('generator: fc, head_0 … up_3 (spectral convs, SPADE MLPs, sync-batch buffers), conv_img', async () => {
    await useBackend('cpu');
    const g = new SPADEGenerator({
      semanticNc: 5,
      ngf: 4,
      outputNc: 3,
      norm: parseSpadeNorm('spectralspadesyncbatch3x3'),
      numUpsamplingLayers: 'most',
      cropSize: 128,
      aspectRatio: 1,
      useVae: false,
      zDim: 8,
    });
    const state = g.stateDict();
    const keys = [...state.keys()];
    expect(keys.slice(0, 2)).toEqual(['fc.weight', 'fc.bias']);
    for (const key of [
      'head_0.conv_0.weight_orig',
      'head_0.conv_0.weight_u',
      'head_0.conv_0.weight_v',
      'head_0.conv_0.bias',
      'head_0.norm_0.mlp_shared.0.weight',
      'head_0.norm_0.mlp_gamma.weight',
      'head_0.norm_0.mlp_beta.bias',
      'head_0.norm_0.param_free_norm.running_mean',
      'head_0.norm_0.param_free_norm.num_batches_tracked',
      'G_middle_0.conv_1.weight_orig',
      'G_middle_1.norm_1.mlp_gamma.bias',
      'up_0.conv_s.weight_orig',
      'up_0.norm_s.mlp_shared.0.bias',
      'up_3.conv_1.weight_orig',
      'up_4.conv_s.weight_orig',
      'conv_img.weight',
      'conv_img.bias',
    ])
      expect(keys, key).toContain(key);
    expect(keys.filter((k) => k.startsWith('head_0.conv_s') || k === 'up_0.conv_s.bias')).toEqual([]);
    expect(state.get('fc.weight')!.shape).toEqual([64, 5, 3, 3]);
    expect(state.get('up_0.conv_0.weight_orig')!.shape).toEqual([32, 64, 3, 3]);
    expect(state.get('up_4.conv_1.weight_orig')!.shape).toEqual([2, 2, 3, 3]);
    expect(state.get('conv_img.weight')!.shape).toEqual([3, 2, 3, 3]);
    g.dispose();
    const vae = new SPADEGenerator({
      semanticNc: 5,
      ngf: 4,
      outputNc: 3,
      norm: parseSpadeNorm('spadeinstance3x3'),
      numUpsamplingLayers: 'normal',
      cropSize: 64,
      aspectRatio: 1,
      useVae: true,
      zDim: 8,
    });
    expect(vae.stateDict().get('fc.weight')!.shape).toEqual([64 * 2 * 2, 8]);
    vae.dispose();
  });

  it('multi-scale D: discriminator_<i>.model<j> — plain first and last convs, spectral+instance in between', async () => {
    await useBackend('cpu');
    const d = multiscaleD(4, 4);
    expect([...d.stateDict().keys()].filter((k) => k.startsWith('discriminator_0.'))).toEqual([
      'discriminator_0.model0.0.weight',
      'discriminator_0.model0.0.bias',
      'discriminator_0.model1.0.0.weight_orig',
      'discriminator_0.model1.0.0.weight_u',
      'discriminator_0.model1.0.0.weight_v',
      'discriminator_0.model2.0.0.weight_orig',
      'discriminator_0.model2.0.0.weight_u',
      'discriminator_0.model2.0.0.weight_v',
      'discriminator_0.model3.0.0.weight_orig',
      'discriminator_0.model3.0.0.weight_u',
      'discriminator_0.model3.0.0.weight_v',
      'discriminator_0.model4.0.weight',
      'discriminator_0.model4.0.bias',
    ]);
    expect(d.stateDict().get('discriminator_1.model3.0.0.weight_orig')!.shape).toEqual([32, 16, 4, 4]);
    d.dispose();
    const single = spadeDiscriminator('n_layer', 2, {
      inputNc: 7,
      ndf: 4,
      nLayers: 3,
      norm: parsePlainNorm('spectralinstance', '--norm_D'),
    }).net;
    expect([...single.stateDict().keys()][0]).toBe('model0.0.weight');
    single.dispose();
  });

  it('encoder: layer1 … layer6 (spectral, no bias), fc_mu, fc_var', async () => {
    await useBackend('cpu');
    const e = new ConvEncoder({ ngf: 2, norm: parsePlainNorm('spectralinstance', '--norm_E'), cropSize: 256, zDim: 8, inputNc: 3 });
    expect([...e.stateDict().keys()]).toEqual([
      ...[1, 2, 3, 4, 5, 6].flatMap((i) => [`layer${i}.0.weight_orig`, `layer${i}.0.weight_u`, `layer${i}.0.weight_v`]),
      'fc_mu.weight',
      'fc_mu.bias',
      'fc_var.weight',
      'fc_var.bias',
    ]);
    e.dispose();
  });
});

describe('shapes', () => {
  it('D predictions are 35×35 and 19×19 for a 256² input (n_layers_D 4, num_D 2), with 5 maps per scale', async () => {
    await useBackend('wasm');
    const d = spadeDiscriminator('multiscale', 2, { inputNc: 4, ndf: 2, nLayers: 4, norm: parsePlainNorm('spectralinstance', '--norm_D') });
    const x = tf.randomNormal([1, 256, 256, 4]) as tf.Tensor4D;
    const features = d.features(x);
    expect(features.map((maps) => maps.map((m) => m.shape.slice(1, 3)))).toEqual([
      [
        [129, 129],
        [65, 65],
        [33, 33],
        [34, 34],
        [35, 35],
      ],
      [
        [65, 65],
        [33, 33],
        [17, 17],
        [18, 18],
        [19, 19],
      ],
    ]);
    tf.dispose([x, ...features.flat()]);
    d.net.dispose();
  });

  it('start size sw = crop // 2^N, sh = round(sw / aspect_ratio) (Python rounding); too small a crop is an OptionError', () => {
    expect(latentSize(256, 1, 'normal')).toEqual({ sh: 8, sw: 8 });
    expect(latentSize(512, 2, 'more')).toEqual({ sh: 4, sw: 8 });
    expect(latentSize(640, 2, 'normal')).toEqual({ sh: 10, sw: 20 });
    expect(latentSize(160, 2, 'normal')).toEqual({ sh: 2, sw: 5 }); // round(2.5) = 2
    expect(() => latentSize(64, 1, 'most')).toThrow(/--crop_size 64 .* too small for --num_upsampling_layers most/);
  });

  it.each([
    ['normal', 64, 1, [64, 64]],
    ['more', 128, 1, [128, 128]],
    ['most', 128, 1, [128, 128]],
    ['normal', 64, 2, [32, 64]],
  ] as const)('%s, crop %i, aspect %i: the generator makes %j images', async (layers, crop, ar, [h, w]) => {
    await useBackend('wasm');
    const g = new SPADEGenerator({
      semanticNc: 3,
      ngf: 2,
      outputNc: 3,
      norm: parseSpadeNorm('spectralspadeinstance3x3'),
      numUpsamplingLayers: layers,
      cropSize: crop,
      aspectRatio: ar,
      useVae: false,
      zDim: 4,
    });
    const seg = tf.cast(tf.oneHot(tf.zeros([1, h, w], 'int32'), 3), 'float32') as tf.Tensor4D;
    const y = g.forward({ segmap: seg });
    expect(y.shape).toEqual([1, h, w, 3]);
    const wrong = tf.zeros([1, h, w + 32, 3]) as tf.Tensor4D;
    expect(() => g.forward({ segmap: wrong })).toThrow(/label map is/);
    tf.dispose([seg, y, wrong]);
    g.dispose();
  });

  it('pix2pixhd: SPADE keys model.N, output size equals the input', async () => {
    await useBackend('wasm');
    const g = new Pix2PixHDGenerator({
      semanticNc: 3,
      outputNc: 3,
      ngf: 2,
      norm: parsePlainNorm('instance', '--norm_G'),
      nDownsample: 2,
      nBlocks: 1,
      kernelSize: 3,
      initialKernelSize: 7,
    });
    expect([...g.stateDict().keys()].slice(0, 3)).toEqual(['model.1.0.weight', 'model.3.0.weight', 'model.5.0.weight']);
    expect(g.stateDict().has('model.7.conv_block.1.0.weight')).toBe(true);
    const seg = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    const y = g.forward({ segmap: seg });
    expect(y.shape).toEqual([1, 16, 16, 3]);
    tf.dispose([seg, y]);
    g.dispose();
  });
});
