/**
 * WGAN-GP gradient penalty: its value against closed forms (linear and quadratic critics, seeded α
 * per sample), detached inputs, and its gradient with respect to a conv critic's weights (a
 * second-order gradient) against central finite differences on cpu, then wasm against cpu.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { OptionError } from '../../src/errors.js';
import { SeededRandom, globalRng, seedEverything } from '../../src/random.js';
import { gradientPenalty, type GanPrediction } from '../../src/losses/index.js';
import { MultiscaleDiscriminator, NLayerDiscriminator } from '../../src/networks/discriminators.js';
import { maxAbsDiff } from '../helpers.js';
import { scalarOf, uniformTensor } from './js_reference.js';

const quiet = { log: () => undefined };

beforeAll(async () => {
  await initBackend('cpu', quiet);
});

/** Per-sample L2 norms of rows of `values` (n rows), with 1e-16 added to every element first. */
function rowNorms(values: ArrayLike<number>, n: number): number[] {
  const size = values.length / n;
  return Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < size; j++) s += (values[i * size + j]! + 1e-16) ** 2;
    return Math.sqrt(s);
  });
}

const penaltyOf = (norms: number[], constant: number, lambda: number) =>
  (lambda * norms.reduce((s, g) => s + (g - constant) ** 2, 0)) / norms.length;

describe('gradientPenalty value', () => {
  let real: tf.Tensor4D;
  let fake: tf.Tensor4D;
  beforeAll(() => {
    real = uniformTensor([3, 4, 4, 2], 1) as tf.Tensor4D;
    fake = uniformTensor([3, 4, 4, 2], 2) as tf.Tensor4D;
  });
  afterAll(() => tf.dispose([real, fake]));

  it('a linear critic D(x) = Σ w·x has ∇D = w for every sample', () => {
    const w = uniformTensor([1, 4, 4, 2], 3, -0.2, 0.2);
    const wNorm = rowNorms(w.dataSync(), 1)[0]!;
    const gp = scalarOf(gradientPenalty((x) => tf.sum(tf.mul(x, w)), real, fake, { constant: 0.5, lambda: 3 }));
    expect(gp).toBeCloseTo(3 * (wNorm - 0.5) ** 2, 5);
    w.dispose();
  });

  it("'mixed' draws α ~ U(0,1) per sample from the seeded RNG: with D(x) = ½Σx², ∇D = x̂ = α·real + (1−α)·fake", () => {
    seedEverything(17);
    const gp = scalarOf(gradientPenalty((x) => tf.mul(tf.sum(tf.square(x)), 0.5), real, fake));
    const rng = new SeededRandom(17);
    const alphas = [rng.nextFloat(), rng.nextFloat(), rng.nextFloat()];
    const r = real.dataSync();
    const f = fake.dataSync();
    const per = r.length / 3;
    const xhat = Array.from(r, (ri, k) => alphas[Math.floor(k / per)]! * ri + (1 - alphas[Math.floor(k / per)]!) * f[k]!);
    expect(gp).toBeCloseTo(penaltyOf(rowNorms(xhat, 3), 1, 10), 3);
    // The draws were consumed: the global RNG continues after the three α.
    expect(globalRng().nextFloat()).toBe(rng.nextFloat());
  });

  it("'real' and 'fake' evaluate on those batches and draw nothing", () => {
    const quadratic = (x: tf.Tensor4D) => tf.mul(tf.sum(tf.square(x)), 0.5);
    seedEverything(5);
    expect(scalarOf(gradientPenalty(quadratic, real, fake, { type: 'real' }))).toBeCloseTo(
      penaltyOf(rowNorms(real.dataSync(), 3), 1, 10),
      3,
    );
    expect(scalarOf(gradientPenalty(quadratic, real, fake, { type: 'fake' }))).toBeCloseTo(
      penaltyOf(rowNorms(fake.dataSync(), 3), 1, 10),
      3,
    );
    expect(globalRng().nextFloat()).toBe(new SeededRandom(5).nextFloat());
  });

  it('a multi-scale critic contributes the gradient of the sum of every scale’s last map', () => {
    // Scale 0: Σ x² / 2 (∇ = x); scale 1 (a feature list, only the last map counts): Σ 2x (∇ = 2).
    const d = (x: tf.Tensor4D): GanPrediction => [tf.mul(tf.sum(tf.square(x)), 0.5), [tf.fill([1], NaN), tf.mul(x, 2)]];
    const gp = scalarOf(gradientPenalty(d, real, fake, { type: 'real', lambda: 1 }));
    expect(gp).toBeCloseTo(
      penaltyOf(
        rowNorms(
          Array.from(real.dataSync(), (v) => v + 2),
          3,
        ),
        1,
        1,
      ),
      3,
    );
  });

  it('λ ≤ 0 gives 0 without running D; an unknown type is an OptionError', () => {
    let calls = 0;
    const d = (x: tf.Tensor4D) => {
      calls++;
      return tf.sum(x);
    };
    expect(scalarOf(gradientPenalty(d, real, fake, { lambda: 0 }))).toBe(0);
    expect(calls).toBe(0);
    expect(() => gradientPenalty(d, real, fake, { type: 'both' as 'mixed' })).toThrow(OptionError);
  });

  it('real and fake are used detached: no gradient reaches what produced them', () => {
    const g = tf.variable(tf.scalar(0.7));
    const w = tf.variable(uniformTensor([1, 4, 4, 2], 4));
    const { grads } = tf.variableGrads(() => {
      const producedFake = tf.mul(fake, g) as tf.Tensor4D;
      return gradientPenalty((x) => tf.sum(tf.mul(tf.square(x), w)), real, producedFake);
    }, [g, w]);
    expect(grads[g.name]).toBeUndefined();
    expect(grads[w.name]).toBeDefined();
    tf.dispose([g, w, ...Object.values(grads)]);
  });
});

/** A tiny PatchGAN-like critic written with plain ops: explicit zero pads, stride 2 and 1 convs, leakyRelu, moments instance norm. */
class TinyCritic {
  readonly vars: tf.Variable[];
  /** Signs of every pre-activation of the last forward (to detect leakyRelu kinks crossed by a perturbation). */
  signs = '';

  constructor(
    seed: number,
    private readonly multiScale: boolean,
  ) {
    const rng = new SeededRandom(seed);
    const param = (shape: number[], scale: number) =>
      tf.variable(
        tf.tensor(
          Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * rng.nextFloat() - 1) * scale),
          shape,
        ),
      );
    this.vars = [param([4, 4, 2, 4], 0.3), param([4], 0.1), param([4, 4, 4, 4], 0.3), param([4, 4, 4, 1], 0.3), param([1], 0.1)];
  }

  forward = (x: tf.Tensor4D): GanPrediction => {
    this.signs = '';
    if (!this.multiScale) return this.scale(x);
    const pad = [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ] as Array<[number, number]>;
    const [, h, w] = x.shape;
    const coverage = tf.avgPool(tf.pad(tf.ones([1, h, w, 1]), pad) as tf.Tensor4D, 3, 2, 'valid');
    return [this.scale(x), this.scale(tf.div(tf.avgPool(tf.pad(x, pad), 3, 2, 'valid'), coverage) as tf.Tensor4D)];
  };

  private scale(x: tf.Tensor4D): tf.Tensor4D {
    const [w1, b1, w2, w3, b3] = this.vars as unknown as [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor4D, tf.Tensor1D];
    const pad1 = (t: tf.Tensor4D) =>
      tf.pad(t, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]);
    const act = (pre: tf.Tensor4D) => {
      this.signs += Array.from(pre.dataSync(), (v) => (v > 0 ? '1' : '0')).join('');
      return tf.leakyRelu(pre, 0.2);
    };
    const h1 = act(tf.add(tf.conv2d(pad1(x), w1, 2, 'valid'), b1));
    const c2 = tf.conv2d(pad1(h1), w2, 1, 'valid');
    const { mean, variance } = tf.moments(c2, [1, 2], true);
    const h2 = act(tf.mul(tf.sub(c2, mean), tf.rsqrt(tf.add(variance, 1e-5))));
    return tf.add(tf.conv2d(pad1(h2), w3, 1, 'valid'), b3);
  }
}

/**
 * ⟨∂P/∂W, u⟩ from `tf.variableGrads` against (P(W + hu) − P(W − hu))/2h along three random unit
 * directions u, where P is the penalty. A leakyRelu network's input gradient jumps where a
 * pre-activation changes sign, so h is the largest step that crosses no such kink (`signsAt`).
 * Tolerance: 0.2 % of the derivative plus the float32 rounding of P (a few ulps, 2^-23·|P| each)
 * amplified by 1/2h.
 */
function checkAgainstFiniteDifferences(vars: tf.Variable[], penalty: () => tf.Scalar, signsAt: () => string): void {
  const tensorsBefore = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(penalty, vars);
  const p0 = scalarOf(value);
  const rng = new SeededRandom(9);
  const original = vars.map((v) => tf.keep(v.clone()));
  const baseSigns = signsAt();
  for (let k = 0; k < 3; k++) {
    const raw = vars.map((v) => Float32Array.from({ length: v.size }, () => 2 * rng.nextFloat() - 1));
    const norm = Math.sqrt(raw.reduce((s, d) => s + d.reduce((t, x) => t + x * x, 0), 0));
    const dirs = raw.map((d, i) =>
      tf.tensor(
        d.map((x) => x / norm),
        vars[i]!.shape,
      ),
    );
    // Weights that do not influence ∂D/∂x (the last bias) get no gradient: their term is 0.
    const analytic = vars.reduce(
      (s, v, i) => s + (grads[v.name] ? tf.tidy(() => scalarOf(tf.sum(tf.mul(grads[v.name]!, dirs[i]!)))) : 0),
      0,
    );
    const at = (h: number) => {
      vars.forEach((v, i) => tf.tidy(() => v.assign(tf.add(original[i]!, tf.mul(dirs[i]!, h)))));
      return { p: tf.tidy(() => scalarOf(penalty())), stable: signsAt() === baseSigns };
    };
    let checked = false;
    for (const h of [4e-3, 2e-3, 1e-3, 5e-4, 2.5e-4]) {
      const plus = at(h);
      const minus = at(-h);
      if (!plus.stable || !minus.stable) continue;
      const fd = (plus.p - minus.p) / (2 * h);
      const tolerance = 2e-3 * Math.abs(analytic) + (8 * 2 ** -23 * Math.abs(p0)) / h;
      expect(Math.abs(fd - analytic), `direction ${k}, h ${h}: fd ${fd}, analytic ${analytic}, P ${p0}`).toBeLessThan(tolerance);
      checked = true;
      break;
    }
    expect(checked, `direction ${k}: every step crossed a leakyRelu kink`).toBe(true);
    vars.forEach((v, i) => v.assign(original[i]!));
    tf.dispose(dirs);
  }
  tf.dispose([...original, ...Object.values(grads)]);
  expect(tf.memory().numTensors, 'tensors leaked by the penalty or its gradient').toBe(tensorsBefore);
}

describe('gradientPenalty is differentiable with respect to the critic (second order), cpu', () => {
  let real: tf.Tensor4D;
  let fake: tf.Tensor4D;
  beforeAll(() => {
    real = uniformTensor([2, 12, 12, 2], 31, -1, 1) as tf.Tensor4D;
    fake = uniformTensor([2, 12, 12, 2], 32, -1, 1) as tf.Tensor4D;
  });
  afterAll(() => tf.dispose([real, fake]));

  for (const multiScale of [false, true]) {
    it(`tiny conv critic (pad, stride 2/1 conv, leakyRelu, moments instance norm${multiScale ? ', avg-pooled second scale' : ''}) vs finite differences`, () => {
      const critic = new TinyCritic(3, multiScale);
      const penalty = () => {
        seedEverything(5);
        return gradientPenalty(critic.forward, real, fake);
      };
      const signsAt = () => {
        tf.dispose(tf.tidy(penalty));
        return critic.signs;
      };
      checkAgainstFiniteDifferences(critic.vars, penalty, signsAt);
      tf.dispose(critic.vars);
    });
  }

  for (const multi of [false, true]) {
    it(`NLayerDiscriminator (norm none, n_layers 2)${multi ? ' in a 2-scale MultiscaleDiscriminator' : ''} vs finite differences`, () => {
      seedEverything(1);
      const make = () => new NLayerDiscriminator({ inputNc: 2, ndf: 4, nLayers: 2, norm: 'none' });
      const net = multi ? new MultiscaleDiscriminator(2, make) : make();
      const big = uniformTensor([2, 24, 24, 2], 33, -1, 1) as tf.Tensor4D;
      const big2 = uniformTensor([2, 24, 24, 2], 34, -1, 1) as tf.Tensor4D;
      const features = (x: tf.Tensor4D): tf.Tensor4D[][] =>
        net instanceof MultiscaleDiscriminator ? net.forwardFeatures(x) : [net.forwardFeatures(x)];
      const penalty = () => {
        seedEverything(5);
        return gradientPenalty(features, big, big2);
      };
      // Every feature map but the last is a leakyRelu output: its signs are the pre-activations'.
      const signsAt = () =>
        tf.tidy(() => {
          seedEverything(5);
          const alphas = tf.tensor4d([globalRng().nextFloat(), globalRng().nextFloat()], [2, 1, 1, 1]);
          const xhat = tf.add(tf.mul(alphas, big), tf.mul(tf.sub(1, alphas), big2)) as tf.Tensor4D;
          return features(xhat)
            .flatMap((scale) => scale.slice(0, -1).map((m) => Array.from(m.dataSync(), (v) => (v > 0 ? 1 : 0)).join('')))
            .join('|');
        });
      checkAgainstFiniteDifferences(net.parameters(), penalty, signsAt);
      net.dispose();
      tf.dispose([big, big2]);
    });
  }
});

describe('gradientPenalty second order on wasm', () => {
  it('the tiny critic’s penalty gradient on wasm equals cpu’s', async () => {
    const run = () => {
      const critic = new TinyCritic(3, true);
      const real = uniformTensor([2, 12, 12, 2], 31, -1, 1) as tf.Tensor4D;
      const fake = uniformTensor([2, 12, 12, 2], 32, -1, 1) as tf.Tensor4D;
      const { value, grads } = tf.variableGrads(() => {
        seedEverything(5);
        return gradientPenalty(critic.forward, real, fake);
      }, critic.vars);
      const out = { p: scalarOf(value), g: critic.vars.map((v) => (grads[v.name] ? Float32Array.from(grads[v.name]!.dataSync()) : null)) };
      tf.dispose([real, fake, ...critic.vars, ...Object.values(grads)]);
      return out;
    };
    await initBackend('cpu', quiet);
    const cpu = run();
    await initBackend('wasm', quiet);
    try {
      const wasm = run();
      expect(wasm.p).toBeCloseTo(cpu.p, 3);
      cpu.g.forEach((g, i) => {
        expect(wasm.g[i] === null).toBe(g === null);
        if (g) expect(maxAbsDiff(wasm.g[i]!, g)).toBeLessThan(1e-3 * Math.max(1, ...Array.from(g, Math.abs)));
      });
    } finally {
      await initBackend('cpu', quiet);
    }
  });
});
