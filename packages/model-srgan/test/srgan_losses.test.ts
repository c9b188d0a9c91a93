/**
 * SRGAN's step: noisy D labels (bounds and spread, recovered from the BCE values), the stop-gradient
 * of SR in D's loss, G's three terms against independent computations, a constant tensor count,
 * and the errors for missing VGG weights and bad --pretrained_G paths.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TranslateError, Vgg19Features, imagenetNormalize, seedEverything, tf, writeSafetensors } from '@translate/core';
import { plugin, srresnetPlugin, type SRGANModel } from '../src/index.js';
import { useBackend } from '../../core/test/helpers.js';
import { randomBatch, randomVggFile, tempDir, tinyOptions } from './helpers.js';

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const meanSquared = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;
const unit = (x: tf.Tensor4D) => tf.tidy(() => tf.div(tf.add(x, 1), 2) as tf.Tensor4D);

/** The label t behind one BCE-with-logits value: loss = softplus(l) − t·l. */
function labelOf(loss: number, logit: number): number {
  return (softplus(logit) - loss) / logit;
}

/** D's labels for `steps` single-image D losses, recovered from the logged D_real/D_fake. */
function drawnLabels(model: SRGANModel, steps: number): { real: number[]; fake: number[] } {
  const D = model.network('D');
  const logit = (name: string) => tf.tidy(() => D.forward(unit(model.visual(name)), { updateState: false }).dataSync()[0]!);
  const [lReal, lFake] = [logit('HR'), logit('SR')];
  const real: number[] = [];
  const fake: number[] = [];
  for (let i = 0; i < steps; i++) {
    tf.dispose(model.discriminatorLoss());
    const losses = model.currentLosses();
    real.push(labelOf(losses.D_real!, lReal));
    fake.push(labelOf(losses.D_fake!, lFake));
  }
  return { real, fake };
}

describe('srgan losses', () => {
  it('draws D labels per step in U(0.7, 1.2) and U(0, 0.3); --no_label_noise gives 1 and 0', async () => {
    await useBackend('cpu');
    seedEverything(1);
    const batch = randomBatch(1, 4, 4);
    const model = plugin.create(tinyOptions({ lambda_vgg: 0 }), { isTrain: true }) as SRGANModel;
    model.setInput(batch);
    model.forwardPass();
    const { real, fake } = drawnLabels(model, 300);
    expect(Math.min(...real)).toBeGreaterThanOrEqual(0.7 - 1e-4);
    expect(Math.max(...real)).toBeLessThanOrEqual(1.2 + 1e-4);
    expect(Math.min(...fake)).toBeGreaterThanOrEqual(-1e-4);
    expect(Math.max(...fake)).toBeLessThanOrEqual(0.3 + 1e-4);
    // Spread of a uniform: the extremes of 300 draws lie within 2.5% of the range's ends.
    expect(Math.min(...real)).toBeLessThan(0.72);
    expect(Math.max(...real)).toBeGreaterThan(1.18);
    expect(real.reduce((s, v) => s + v, 0) / real.length).toBeCloseTo(0.95, 1);
    expect(fake.reduce((s, v) => s + v, 0) / fake.length).toBeCloseTo(0.15, 1);
    model.dispose();

    const plain = plugin.create(tinyOptions({ lambda_vgg: 0, no_label_noise: true }), { isTrain: true }) as SRGANModel;
    plain.setInput(batch);
    plain.forwardPass();
    const labels = drawnLabels(plain, 3);
    for (const t of labels.real) expect(t).toBeCloseTo(1, 4);
    for (const t of labels.fake) expect(t).toBeCloseTo(0, 4);
    plain.dispose();
    tf.dispose([batch.A, batch.B]);
  });

  it("stops the gradient of SR in D's loss, not in G's", async () => {
    await useBackend('cpu');
    seedEverything(2);
    const batch = randomBatch(2, 4, 4);
    const model = plugin.create(tinyOptions({ lambda_vgg: 0 }), { isTrain: true }) as SRGANModel;
    model.setInput(batch);
    model.forwardPass();
    const gParams = model.network('G').parameters();
    const generate = () => (model as unknown as { generate(): tf.Tensor4D }).generate();
    // SR recomputed on the same tape as D's loss: only the detach cuts G off.
    expect(() =>
      tf.variableGrads(() => {
        generate();
        return model.discriminatorLoss();
      }, gParams),
    ).toThrow(/Cannot find a connection/);
    const { value, grads } = tf.variableGrads(() => model.generatorLoss(null), gParams);
    expect(Object.keys(grads)).toHaveLength(gParams.length);
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
    tf.dispose([batch.A, batch.B]);
  });

  it('G loss = λ_mse·MSE + λ_vgg·MSE(φ(SR), φ(HR)) + λ_adv·BCE(D(SR), 1), each term as computed independently', async () => {
    await useBackend('cpu');
    const vggPath = randomVggFile();
    seedEverything(4);
    const batch = randomBatch(2, 4, 4);
    const weights = { lambda_mse: 2, lambda_vgg: 0.5, lambda_adv: 0.25 };
    const model = plugin.create(tinyOptions({ ...weights, vgg_weights: vggPath, vgg_layer: 'relu2_2' }), { isTrain: true }) as SRGANModel;
    model.setInput(batch);
    model.forwardPass();
    const vgg = new Vgg19Features();
    vgg.loadWeightsFile(vggPath);
    const phi = (x: tf.Tensor4D) => tf.tidy(() => vgg.layerOutputs(imagenetNormalize(x), ['relu2_2'])[0]!.dataSync() as Float32Array);
    const hr = unit(batch.B);
    const hrFeatures = tf.tidy(() => vgg.layerOutputs(imagenetNormalize(hr), ['relu2_2'])[0]!);
    tf.dispose(model.generatorLoss(hrFeatures));
    const sr = unit(model.visual('SR'));
    const logits = tf.tidy(() => model.network('D').forward(sr, { updateState: false }).dataSync() as Float32Array);
    const losses = model.currentLosses();
    expect(losses.G_MSE).toBeCloseTo(2 * meanSquared(sr.dataSync() as Float32Array, hr.dataSync() as Float32Array), 6);
    expect(losses.G_VGG).toBeCloseTo(0.5 * meanSquared(phi(sr), phi(hr)), 5);
    const bce = Array.from(logits, (l) => softplus(-l)).reduce((s, v) => s + v, 0) / logits.length;
    expect(losses.G_GAN).toBeCloseTo(0.25 * bce, 6);
    expect(losses.G_VGG).toBeGreaterThan(0);
    tf.dispose([hr, sr, hrFeatures]);
    vgg.dispose();
    model.dispose();
    tf.dispose([batch.A, batch.B]);
  });

  it('trains srresnet and srgan steps with a constant tensor count', async () => {
    await useBackend('wasm');
    const vggPath = randomVggFile();
    for (const [p, opt] of [
      [srresnetPlugin, tinyOptions({ model: 'srresnet' })],
      [plugin, tinyOptions({ vgg_weights: vggPath })],
    ] as const) {
      seedEverything(5);
      const model = p.create(opt, { isTrain: true });
      const batch = randomBatch(2, 4, 4);
      const step = () => {
        model.setInput(batch);
        model.optimizeParameters();
      };
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors, p.name).toBe(before);
      expect(Object.keys(model.currentLosses())).toEqual(model.lossNames);
      model.dispose();
      tf.dispose([batch.A, batch.B]);
    }
  });

  it('takes the VGG19 that `translate weights fetch vgg19` caches, refuses to train without one, and names bad --pretrained_G paths', async () => {
    await useBackend('cpu');
    const cache = tempDir();
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    try {
      expect(() => plugin.create(tinyOptions(), { isTrain: true })).toThrow(TranslateError);
      expect(() => plugin.create(tinyOptions(), { isTrain: true })).toThrow(
        /--vgg_weights was not given and .*vgg19-dcbb9e9d\.safetensors does not exist.*translate weights fetch vgg19/,
      );
      mkdirSync(join(cache, 'translate'));
      copyFileSync(randomVggFile(), join(cache, 'translate', 'vgg19-dcbb9e9d.safetensors'));
      plugin.create(tinyOptions(), { isTrain: true }).dispose();
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
    expect(() => plugin.create(tinyOptions({ lambda_vgg: 0, pretrained_G: '/no/such/dir' }), { isTrain: true })).toThrow(
      /--pretrained_G \/no\/such\/dir does not exist/,
    );
    const empty = tempDir();
    expect(() => plugin.create(tinyOptions({ lambda_vgg: 0, pretrained_G: empty }), { isTrain: true })).toThrow(/has no latest_net_G/);
    const wrong = join(empty, 'G.safetensors');
    const other = srresnetPlugin.create(tinyOptions({ model: 'srresnet', n_blocks: 2 }), { isTrain: false });
    writeFileSync(wrong, writeSafetensors(other.network('G').stateDict()));
    other.dispose();
    expect(() => plugin.create(tinyOptions({ lambda_vgg: 0, pretrained_G: wrong }), { isTrain: true })).toThrow(/unexpected keys: block3/);
    expect(() => plugin.create(tinyOptions({ lambda_vgg: 0, scale: 3 }), { isTrain: true })).toThrow(/--scale must be 2, 4 or 8; got 3/);
  });
});
