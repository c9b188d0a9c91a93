/**
 * The GauGAN model: its logged losses against independent computations (hinge for D real/fake and
 * G, feature matching over scales and layers but the last with λ/num_D, VGG weights, KLD sum),
 * real and fake through D in one batch, TTUR, --D_steps_per_G, the missing-VGG error, and a
 * constant tensor count across steps.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HOW_TO_GET_VGG,
  OptionError,
  TranslateError,
  Vgg19Features,
  seedEverything,
  tf,
  writeSafetensors,
  type Module,
  writeImage,
} from '@translate/core';
import { plugin, type GauGANModel } from '../src/index.js';
import { useBackend } from '../../core/test/helpers.js';
import { gauganOptions, segBatch, semanticsOf } from './helpers.js';

const TINY = {
  label_nc: 3,
  crop_size: 32,
  ngf: 4,
  ndf: 4,
  n_layers_D: 3,
  z_dim: 8,
  norm_G: 'spadeinstance3x3',
  norm_D: 'instance',
  norm_E: 'instance',
};

const mean = (t: tf.Tensor) => tf.mean(t).dataSync()[0]!;
const meanAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0]!);

const savedCache = process.env.XDG_CACHE_HOME;
afterEach(() => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
});

/** A seeded random VGG19 saved as safetensors (tests only: the real loss needs ImageNet weights). */
function randomVggFile(): string {
  seedEverything(99);
  const vgg = new Vgg19Features();
  const file = join(mkdtempSync(join(tmpdir(), 'gaugan-vgg-')), 'random_vgg19.safetensors');
  writeFileSync(file, writeSafetensors(vgg.stateDict()));
  vgg.dispose();
  return file;
}

describe('GauGAN losses', () => {
  it('equal independent computations: hinge D/G, feature matching (λ/num_D, last map excluded), VGG (1/32 … 1)', async () => {
    await useBackend('wasm');
    const vggFile = randomVggFile();
    seedEverything(1);
    const opt = gauganOptions('train', { ...TINY, vgg_weights: vggFile, num_D: 2 });
    const model = plugin.create(opt, { isTrain: true }) as GauGANModel;
    for (const { optimizer } of model.optimizers.values()) optimizer.lr = 0; // losses of one fixed set of weights
    const batch = segBatch(2, 32, 3, 5);
    model.setInput(batch);
    model.optimizeParameters();
    const losses = model.currentLosses();
    expect(Object.keys(losses)).toEqual(['GAN', 'GAN_Feat', 'VGG', 'D_Fake', 'D_real']);

    // Independent: semantics by hand, G and each D scale applied to fake and real separately (instance norm: per sample).
    const G = model.network('G') as Module<{ segmap: tf.Tensor4D }, tf.Tensor4D>;
    const D = model.network('D') as Module & { forwardFeatures(x: tf.Tensor4D): tf.Tensor4D[][] };
    const semantics = semanticsOf(batch, 2, 32, 3);
    const fake = G.forward({ segmap: semantics });
    const fakeFeats = D.forwardFeatures(tf.concat([semantics, fake], 3));
    const realFeats = D.forwardFeatures(tf.concat([semantics, batch.B], 3));
    expect(fakeFeats.map((f) => f.length)).toEqual([4, 4]); // n_layers_D 3 → 3 feature maps + the prediction
    const last = (f: tf.Tensor4D[]) => f[f.length - 1]!;
    const gan = (-mean(last(fakeFeats[0]!)) - mean(last(fakeFeats[1]!))) / 2;
    let feat = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) feat += (meanAbsDiff(fakeFeats[i]![j]!, realFeats[i]![j]!) * 10) / 2;
    const hinge = (t: tf.Tensor, sign: number) => tf.tidy(() => mean(tf.relu(tf.add(1, tf.mul(t, sign)))));
    const dFake = (hinge(last(fakeFeats[0]!), 1) + hinge(last(fakeFeats[1]!), 1)) / 2;
    const dReal = (hinge(last(realFeats[0]!), -1) + hinge(last(realFeats[1]!), -1)) / 2;
    const vgg = new Vgg19Features();
    vgg.loadWeightsFile(vggFile);
    const layers = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1'];
    const weights = [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1];
    const phiFake = vgg.layerOutputs(fake, layers);
    const phiReal = vgg.layerOutputs(batch.B, layers);
    const vggLoss = 10 * weights.reduce((s, w, k) => s + w * meanAbsDiff(phiFake[k]!, phiReal[k]!), 0);
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
    expect(close(losses.GAN!, gan), `GAN ${losses.GAN} vs ${gan}`).toBe(true);
    expect(close(losses.GAN_Feat!, feat), `GAN_Feat ${losses.GAN_Feat} vs ${feat}`).toBe(true);
    expect(close(losses.VGG!, vggLoss), `VGG ${losses.VGG} vs ${vggLoss}`).toBe(true);
    expect(close(losses.D_Fake!, dFake), `D_Fake ${losses.D_Fake} vs ${dFake}`).toBe(true);
    expect(close(losses.D_real!, dReal), `D_real ${losses.D_real} vs ${dReal}`).toBe(true);
    tf.dispose([semantics, fake, ...fakeFeats.flat(), ...realFeats.flat(), ...phiFake, ...phiReal]);
    vgg.dispose();

    // Training steps leave the tensor count unchanged.
    for (const { optimizer } of model.optimizers.values()) optimizer.lr = 1e-3;
    model.setInput(batch);
    model.optimizeParameters();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      model.setInput(batch);
      model.optimizeParameters();
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    tf.dispose([batch.label, batch.instance, batch.B]);
  });

  it('KLD = λ_kld · −½·Σ(1 + logvar − μ² − exp(logvar)) over batch and dims, from the encoding of the real photo', async () => {
    await useBackend('wasm');
    seedEverything(2);
    const opt = gauganOptions('train', { ...TINY, use_vae: true, no_vgg_loss: true, lambda_kld: 0.05 });
    const model = plugin.create(opt, { isTrain: true }) as GauGANModel;
    expect(model.lossNames).toEqual(['GAN', 'GAN_Feat', 'KLD', 'D_Fake', 'D_real']);
    expect(model.optimizers.get('G')!.networks).toEqual(['G', 'E']);
    for (const { optimizer } of model.optimizers.values()) optimizer.lr = 0;
    const batch = segBatch(2, 32, 3, 6);
    model.setInput(batch);
    model.optimizeParameters();
    const E = model.network('E') as Module<tf.Tensor4D, { mu: tf.Tensor2D; logvar: tf.Tensor2D }>;
    const { mu, logvar } = E.forward(batch.B);
    const [m, lv] = [mu.dataSync(), logvar.dataSync()];
    expect(m.length).toBe(2 * 8);
    let kld = 0;
    for (let i = 0; i < m.length; i++) kld += 1 + lv[i]! - m[i]! ** 2 - Math.exp(lv[i]!);
    kld *= -0.5 * 0.05;
    expect(Math.abs(model.currentLosses().KLD! - kld)).toBeLessThan(1e-4 * Math.max(1, Math.abs(kld)));
    tf.dispose([mu, logvar, batch.label, batch.instance, batch.B]);
    model.dispose();
  });
});

describe('GauGAN optimisation', () => {
  it('TTUR by default: lr_G = lr/2, lr_D = 2·lr, β = (0, 0.9); --no_TTUR: lr for both, β = (0.5, 0.999)', async () => {
    await useBackend('cpu');
    const ttur = plugin.create(gauganOptions('train', { ...TINY, no_vgg_loss: true }), { isTrain: true });
    const g = ttur.optimizers.get('G')!.optimizer;
    const d = ttur.optimizers.get('D')!.optimizer;
    expect([g.lr, d.lr, g.beta1, g.beta2, d.beta1, d.beta2]).toEqual([0.0001, 0.0004, 0, 0.9, 0, 0.9]);
    ttur.dispose();
    const plain = plugin.create(gauganOptions('train', { ...TINY, no_vgg_loss: true, no_TTUR: true }), { isTrain: true });
    const g2 = plain.optimizers.get('G')!.optimizer;
    expect([g2.lr, plain.optimizers.get('D')!.optimizer.lr, g2.beta1, g2.beta2]).toEqual([0.0002, 0.0002, 0.5, 0.999]);
    plain.dispose();
  });

  it('--D_steps_per_G 2 updates G on steps 0, 2, … and D on every step', async () => {
    await useBackend('wasm');
    seedEverything(4);
    const model = plugin.create(gauganOptions('train', { ...TINY, no_vgg_loss: true, D_steps_per_G: 2 }), { isTrain: true });
    const batch = segBatch(1, 32, 3, 7);
    const snapshot = (net: string) => model.network(net).parameters()[0]!.dataSync().slice();
    const changed: Array<[boolean, boolean]> = [];
    for (let step = 0; step < 3; step++) {
      const [g0, d0] = [snapshot('G'), snapshot('D')];
      model.setInput(batch);
      model.optimizeParameters();
      changed.push([snapshot('G').some((v, i) => v !== g0[i]), snapshot('D').some((v, i) => v !== d0[i])]);
    }
    expect(changed).toEqual([
      [true, true],
      [false, true],
      [true, true],
    ]);
    model.dispose();
    tf.dispose([batch.label, batch.instance, batch.B]);
  });
});

describe('GauGAN with --netG pix2pixhd', () => {
  it("takes instance norm by default (SPADE's option hook) and trains a step with the multi-scale D", async () => {
    await useBackend('wasm');
    seedEverything(6);
    const { norm_G: _spadeNorm, ...rest } = TINY;
    const model = plugin.create(
      gauganOptions('train', { ...rest, netG: 'pix2pixhd', resnet_n_downsample: 2, resnet_n_blocks: 1, no_vgg_loss: true }),
      { isTrain: true },
    );
    const keys = [...model.network('G').stateDict().keys()];
    expect(keys.slice(0, 2)).toEqual(['model.1.0.weight', 'model.3.0.weight']); // conv without bias, then InstanceNorm (no state)
    const batch = segBatch(1, 32, 3, 11);
    model.setInput(batch);
    model.optimizeParameters();
    expect(Object.values(model.currentLosses()).every(Number.isFinite)).toBe(true);
    expect(model.visual('synthesized_image').shape).toEqual([1, 32, 32, 3]);
    model.dispose();
    tf.dispose([batch.label, batch.instance, batch.B]);
  });
});

describe('GauGAN inference', () => {
  it("--style_image: z comes from encoding that photo, exactly as if it were each batch's own photo", async () => {
    await useBackend('wasm');
    const dir = mkdtempSync(join(tmpdir(), 'gaugan-style-'));
    // 64 px: with a 1×1 start map (crop 32) instance norm removes z entirely, in the reference too.
    const style = segBatch(1, 64, 3, 8).B;
    const stylePixels = Uint8Array.from(style.dataSync(), (v) => Math.round((v + 1) * 127.5));
    const styleFile = join(dir, 'style.png');
    await writeImage(styleFile, { data: stylePixels, width: 64, height: 64, channels: 3 });
    const vae = { ...TINY, crop_size: 64, use_vae: true, init_gain: 1 }; // Glorot-sized weights, so that z visibly matters
    const synthesize = (model: GauGANModel, batch: Parameters<GauGANModel['setInput']>[0]) => {
      model.setInput(batch);
      seedEverything(20);
      model.test();
      return model.visual('synthesized_image').dataSync().slice() as Float32Array;
    };
    seedEverything(10);
    const styled = plugin.create(gauganOptions('test', { ...vae, style_image: styleFile }), { isTrain: false }) as GauGANModel;
    await styled.setup();
    seedEverything(10);
    const plain = plugin.create(gauganOptions('test', vae), { isTrain: false }) as GauGANModel;
    const batch = segBatch(2, 64, 3, 9);
    const photo = tf.tensor4d(
      Float32Array.from([...stylePixels, ...stylePixels], (v) => v / 127.5 - 1),
      [2, 64, 64, 3],
    );
    const withStyle = synthesize(styled, batch);
    const asOwnPhoto = synthesize(plain, { ...batch, B: photo });
    const ownPhotos = synthesize(plain, batch);
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(maxDiff(withStyle, asOwnPhoto)).toBeLessThan(1e-4);
    expect(maxDiff(withStyle, ownPhotos)).toBeGreaterThan(1e-2);
    styled.dispose();
    plain.dispose();
    tf.dispose([style, photo, batch.label, batch.instance, batch.B]);
  });
});

describe('GauGAN bad input', () => {
  it('training with the VGG loss and no weights is a TranslateError saying how to get them', async () => {
    await useBackend('cpu');
    process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'empty-cache-'));
    const opt = gauganOptions('train', TINY);
    expect(() => plugin.create(opt, { isTrain: true })).toThrow(TranslateError);
    expect(() => plugin.create(opt, { isTrain: true })).toThrow(HOW_TO_GET_VGG);
  });

  it('names the flag: --style_image without --use_vae, another dataset mode, an unknown --netD or --norm_G', async () => {
    await useBackend('cpu');
    expect(() => plugin.create(gauganOptions('test', { ...TINY, style_image: 'x.png' }), { isTrain: false })).toThrow(
      /--style_image needs a model trained with --use_vae/,
    );
    expect(() => plugin.create(gauganOptions('train', { ...TINY, no_vgg_loss: true, dataset_mode: 'aligned' }), { isTrain: true })).toThrow(
      OptionError,
    );
    expect(() => plugin.create(gauganOptions('train', { ...TINY, no_vgg_loss: true, netD: 'basic' }), { isTrain: true })).toThrow(
      /--netD 'basic'/,
    );
    expect(() => plugin.create(gauganOptions('train', { ...TINY, norm_G: 'spectralinstance' }), { isTrain: true })).toThrow(
      /--norm_G 'spectralinstance'/,
    );
  });
});
