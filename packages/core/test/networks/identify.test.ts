/**
 * identifyNetwork: the reference's own files (written by PyTorch from the reference's networks), our
 * networks in other variants, what a pickled module's classes settle, legacy keys, the reasons when
 * nothing matches, and model plugins' identifyWeights.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { readPth } from '../../src/interop/pth.js';
import type { PickledModule } from '../../src/interop/find_state_dict.js';
import type { RawStateDict } from '../../src/interop/raw_tensor.js';
import { registerModel } from '../../src/model/plugin.js';
import type { Module } from '../../src/nn/module.js';
import {
  NLayerDiscriminator,
  PixelDiscriminator,
  ResnetGenerator,
  UnetGenerator,
  identifyNetwork,
  stateDictMismatch,
} from '../../src/networks/index.js';
import { fixturePath, useBackend } from '../helpers.js';

/** The state dict of a freshly built network (which is disposed again). */
function stateOf(build: () => Module<any, any>): RawStateDict {
  const net = build();
  const state = net.stateDict();
  net.dispose();
  return state;
}

const resnet = (options: Partial<ConstructorParameters<typeof ResnetGenerator>[0]> = {}) =>
  stateOf(() => new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false, nBlocks: 6, ...options }));
const unet = (options: Partial<ConstructorParameters<typeof UnetGenerator>[0]> = {}) =>
  stateOf(() => new UnetGenerator({ inputNc: 3, outputNc: 3, ngf: 4, norm: 'batch', useDropout: true, numDowns: 5, ...options }));

/** The loadable checkpoints of test/fixtures/published (made with the reference's networks) and their network arguments. */
function publishedCheckpoints(): Array<[string, Record<string, string | number | boolean>]> {
  const manifest = JSON.parse(readFileSync(fixturePath('published/manifest.json'), 'utf8')) as {
    checkpoints: Array<{ file: string; network: Record<string, string | number | boolean>; expectError?: boolean }>;
  };
  return manifest.checkpoints.filter((c) => !c.expectError).map((c) => [c.file, c.network]);
}

const moduleOf = (className: string, submodules: Array<[string, string]>): PickledModule => ({
  className: `models.networks.${className}`,
  submodules: new Map([['', `models.networks.${className}`], ...submodules]),
});

describe('identifyNetwork', () => {
  it.each([
    [
      'resnet_9blocks',
      'resnet_9blocks generator (ResnetGenerator, 9 residual blocks), ngf 8, instance norm, no dropout, 3 → 3 channels',
      '--model test --netG resnet_9blocks --ngf 8 --norm instance --no_dropout',
    ],
    [
      'unet_128',
      'unet_128 generator (UnetGenerator, 7 downsamplings), ngf 8, batch norm, dropout, 3 → 3 channels',
      '--model test --netG unet_128 --ngf 8 --norm batch',
    ],
    [
      'basic_D',
      'basic discriminator (70×70 PatchGAN, 3 layers), ndf 8, instance norm, 3 input channels',
      '--netD basic --ndf 8 --norm instance',
    ],
    ['pixel_D', 'pixel discriminator (1×1 PatchGAN), ndf 8, instance norm, 3 input channels', '--netD pixel --ndf 8 --norm instance'],
  ])("the reference's %s.pth (written by PyTorch): one exact match and its flags", async (name, description, flags) => {
    await useBackend('cpu');
    const state = readPth(new Uint8Array(readFileSync(fixturePath(`reference/${name}.pth`)))).tensors;
    const before = tf.memory().numTensors;
    const { matches, reason } = identifyNetwork(state);
    expect(tf.memory().numTensors).toBe(before);
    expect(reason).toBeNull();
    expect(matches.map((m) => [m.description, m.flags])).toEqual([[description, flags]]);
    expect(matches[0]!.command).toBe(name.endsWith('_D') ? 'train' : 'test');
  });

  it.each(publishedCheckpoints())('the published-style %s: its define_G / define_D arguments', async (file, network) => {
    await useBackend('cpu');
    const ck = readPth(new Uint8Array(readFileSync(fixturePath(`published/${file}`))));
    const { matches } = identifyNetwork(ck.tensors, ck.module);
    expect(matches).toHaveLength(1);
    const { netG, netD, ngf, ndf, norm } = network;
    expect(matches[0]!.options).toMatchObject(netG === undefined ? { netD, ndf, norm } : { netG, ngf, norm });
    // A ResNet's dropout shows in its keys; a U-Net's only in a pickled module's classes.
    if (typeof netG === 'string' && netG.startsWith('resnet') && network.use_dropout === false)
      expect(matches[0]!.options.no_dropout).toBe(true);
  });

  it('reads the block count, dropout, norm and channels off the keys; unregistered names and zero padding get no flags', async () => {
    await useBackend('cpu');
    const [seven] = identifyNetwork(resnet({ nBlocks: 7, norm: 'batch', useDropout: true, inputNc: 1 })).matches;
    expect(seven).toMatchObject({
      description: 'resnet_7blocks generator (ResnetGenerator, 7 residual blocks), ngf 4, batch norm, dropout, 1 → 3 channels',
      options: { model: 'test', netG: 'resnet_7blocks', ngf: 4, norm: 'batch', input_nc: 1 },
      flags: null,
    });
    expect(seven!.notes).toContain(
      'No registered --netG has 7 residual blocks (translate has resnet_6blocks, resnet_9blocks); a plugin can add one with registerGenerator.',
    );
    const [zero] = identifyNetwork(resnet({ paddingType: 'zero', norm: 'none' })).matches;
    expect(zero).toMatchObject({ description: expect.stringContaining('ngf 4, no norm, no dropout, zero padding'), flags: null });
    const [dropout] = identifyNetwork(resnet({ useDropout: true, outputNc: 1 })).matches;
    expect(dropout!.flags).toBe('--model test --netG resnet_6blocks --ngf 4 --norm instance --output_nc 1');
    expect(identifyNetwork(unet({ norm: 'none' })).matches[0]!.flags).toBe('--model test --netG unet_32 --ngf 4 --norm none');
    const nLayers = stateOf(() => new NLayerDiscriminator({ inputNc: 6, ndf: 4, nLayers: 4, norm: 'batch' }));
    expect(identifyNetwork(nLayers).matches.map((m) => m.flags)).toEqual(['--netD n_layers --n_layers_D 4 --ndf 4 --norm batch']);
    const pixel = stateOf(() => new PixelDiscriminator({ inputNc: 6, ndf: 4, norm: 'none' }));
    expect(identifyNetwork(pixel).matches.map((m) => m.description)).toEqual([
      'pixel discriminator (1×1 PatchGAN), ndf 4, no norm, 6 input channels',
    ]);
  });

  it("a U-Net's dropout is an assumption from the keys, and a fact from a pickled module's classes", async () => {
    await useBackend('cpu');
    const state = unet({ useDropout: false });
    const guessed = identifyNetwork(state).matches[0]!;
    expect(guessed.options).not.toHaveProperty('no_dropout');
    expect(guessed.notes.some((n) => n.startsWith('A U-Net state dict cannot tell dropout'))).toBe(true);
    const withoutDropout = moduleOf('UnetGenerator', [['model.model.1.model.2', 'torch.nn.modules.batchnorm.BatchNorm2d']]);
    const known = identifyNetwork(state, withoutDropout).matches[0]!;
    expect(known.flags).toBe('--model test --netG unet_32 --ngf 4 --norm batch --no_dropout');
    expect(known.notes).toEqual([]);
    const withDropout = moduleOf('UnetGenerator', [
      ...withoutDropout.submodules,
      ['model.model.1.model.3.model.3.model.7', 'torch.nn.modules.dropout.Dropout'],
    ]);
    expect(identifyNetwork(state, withDropout).matches[0]!.flags).toBe('--model test --netG unet_32 --ngf 4 --norm batch');
  });

  it("a pickled ResNet's ReplicationPad2d is told apart from reflection, and gets no flags", async () => {
    await useBackend('cpu');
    const module = moduleOf('ResnetGenerator', [
      ['model.0', 'torch.nn.modules.padding.ReflectionPad2d'],
      ['model.2', 'torch.nn.modules.instancenorm.InstanceNorm2d'],
      ['model.10.conv_block.0', 'torch.nn.modules.padding.ReplicationPad2d'],
    ]);
    const [match] = identifyNetwork(resnet(), module).matches;
    expect(match).toMatchObject({ description: expect.stringContaining('replicate padding'), flags: null });
    expect(identifyNetwork(resnet()).matches[0]!.notes).toContain(
      "Reflect and replicate padding have the same weights: reflect (the reference's) is assumed.",
    );
  });

  it('old InstanceNorm running statistics (torch < 0.4) still match, as they load', async () => {
    await useBackend('cpu');
    const state = resnet();
    state.set('model.2.running_mean', { dtype: 'F32', shape: [4], data: new Float32Array(4) });
    state.set('model.2.running_var', { dtype: 'F32', shape: [4], data: new Float32Array(4).fill(1) });
    expect(identifyNetwork(state).matches.map((m) => m.flags)).toEqual([
      '--model test --netG resnet_6blocks --ngf 4 --norm instance --no_dropout',
    ]);
  });

  it('no match: the closest candidate and its differences, or what the keys are not', async () => {
    await useBackend('cpu');
    const state = resnet();
    state.delete('model.13.conv_block.5.weight');
    state.set('model.1.weight', { dtype: 'F32', shape: [4, 3, 7, 5], data: new Float32Array(420) });
    expect(identifyNetwork(state)).toEqual({
      matches: [],
      reason:
        'closest: resnet_6blocks generator (ResnetGenerator, 6 residual blocks), ngf 4, instance norm, no dropout, 3 → 3 channels: ' +
        '1 key missing from the file (model.13.conv_block.5.weight); 1 shape differs (model.1.weight: file [4, 3, 7, 5], network [4, 3, 7, 7])',
    });
    const vgg: RawStateDict = new Map([['features.0.weight', { dtype: 'F32', shape: [64, 3, 3, 3], data: new Float32Array(1728) }]]);
    expect(identifyNetwork(vgg).reason).toMatch(
      /^its keys \(features\.0\.weight\) are not those of the reference's networks \(ResnetGenerator: /,
    );
    expect(identifyNetwork(new Map()).reason).toBe('the state dict is empty');
  });

  it("asks model plugins' identifyWeights and turns their options into flags after --model", async () => {
    await useBackend('cpu');
    const state: RawStateDict = new Map([['plugin_net.weight', { dtype: 'F32', shape: [2], data: new Float32Array(2) }]]);
    registerModel({
      name: 'identify_probe',
      description: 'test plugin',
      identifyWeights: (s) =>
        s.has('plugin_net.weight')
          ? { options: { width: 2, fast: true }, description: 'probe net', network: 'P', notes: ['a note'], assumed: ['fast'] }
          : null,
      create: () => {
        throw new Error('not built');
      },
    });
    expect(identifyNetwork(state).matches).toEqual([
      {
        description: 'probe net',
        options: { model: 'identify_probe', width: 2, fast: true },
        network: 'P',
        command: 'test',
        flags: '--model identify_probe --width 2 --fast',
        notes: ['a note'],
        assumed: ['fast'],
      },
    ]);
    expect(identifyNetwork(resnet()).matches).toHaveLength(1);
  });
});

describe('stateDictMismatch', () => {
  it('is null for an exact fit and frees the network either way', async () => {
    await useBackend('cpu');
    const build = () => new PixelDiscriminator({ inputNc: 3, ndf: 4, norm: 'instance' });
    const state = stateOf(build);
    const before = tf.memory().numTensors;
    expect(stateDictMismatch(build, state)).toBeNull();
    state.set('extra.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) });
    expect(stateDictMismatch(build, state)).toBe('1 key the network lacks (extra.weight)');
    expect(tf.memory().numTensors).toBe(before);
  });
});
