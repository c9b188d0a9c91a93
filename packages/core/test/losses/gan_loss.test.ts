/**
 * GANLoss: every mode's D-real / D-fake / G loss against plain-JS formulas, multi-scale lists, soft
 * and noisy targets under a seeded RNG, numerical stability, errors, WGAN clipping, no leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { OptionError } from '../../src/errors.js';
import { SeededRandom, seedEverything } from '../../src/random.js';
import { GANLoss, GAN_MODES, F_DIVERGENCES, clipWeights } from '../../src/losses/index.js';
import { discriminatorPenalty, ganLossFromOptions } from '../../src/model/gan_regularizers.js';
import { PixelDiscriminator } from '../../src/networks/index.js';
import { BACKENDS, useBackend } from '../helpers.js';
import { bce, meanOf, scalarOf, sigmoid, uniformArray } from './js_reference.js';

const SHAPE = [2, 3, 3, 1];
const N = 18;

/** The loss of `mode` on values `v` (shape SHAPE) as a number. */
function lossOf(mode: string, v: Float32Array, real: boolean, forDiscriminator = true, options = {}): number {
  const pred = tf.tensor(v, SHAPE);
  const value = scalarOf(new GANLoss(mode, options).loss(pred, real, { forDiscriminator }));
  pred.dispose();
  return value;
}

/** docs/losses.md §3, composed the textbook way in float64 (fine for moderate v). */
const F_TABLE: Record<string, { g: (v: number) => number; fStar: (t: number) => number }> = {
  kl: { g: (v) => v, fStar: (t) => Math.exp(t - 1) },
  'reverse-kl': { g: (v) => -Math.exp(-v), fStar: (t) => -1 - Math.log(-t) },
  pearson: { g: (v) => v, fStar: (t) => (t * t) / 4 + t },
  'squared-hellinger': { g: (v) => 1 - Math.exp(-v), fStar: (t) => t / (1 - t) },
  js: { g: (v) => Math.log(2) - Math.log(1 + Math.exp(-v)), fStar: (t) => -Math.log(2 - Math.exp(t)) },
  'total-variation': { g: (v) => 0.5 * Math.tanh(v), fStar: (t) => t },
};

beforeAll(async () => {
  await useBackend('cpu');
});

describe.each(BACKENDS)('on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  afterAll(async () => {
    await useBackend('cpu');
  });

  describe('GANLoss modes (docs/losses.md §1 table)', () => {
    const v = uniformArray(N, 11);
    const relu = (x: number) => Math.max(x, 0);
    const cases: Array<[string, (x: number) => number, (x: number) => number, (x: number) => number]> = [
      // mode, D on real, D on fake, G (per element, then mean)
      ['vanilla', (x) => bce(x, 1), (x) => bce(x, 0), (x) => bce(x, 1)],
      ['minimax', (x) => bce(x, 1), (x) => bce(x, 0), (x) => Math.log(1 - sigmoid(x))],
      ['lsgan', (x) => (x - 1) ** 2, (x) => x ** 2, (x) => (x - 1) ** 2],
      ['hinge', (x) => relu(1 - x), (x) => relu(1 + x), (x) => -x],
      ['wgan', (x) => -x, (x) => x, (x) => -x],
      ['wgangp', (x) => -x, (x) => x, (x) => -x],
      ['ebgan', (x) => x, (x) => relu(10 - x), (x) => x],
    ];
    for (const [mode, dReal, dFake, g] of cases) {
      it(`${mode}: D real, D fake and G losses`, () => {
        expect(lossOf(mode, v, true)).toBeCloseTo(meanOf(v, dReal), 5);
        expect(lossOf(mode, v, false)).toBeCloseTo(meanOf(v, dFake), 5);
        expect(lossOf(mode, v, true, false)).toBeCloseTo(meanOf(v, g), 5);
      });
    }

    for (const div of F_DIVERGENCES) {
      it(`fgan:${div}: D real = −mean g_f, D fake = mean f*(g_f), G = −mean g_f`, () => {
        const { g, fStar } = F_TABLE[div]!;
        const mode = `fgan:${div}`;
        expect(lossOf(mode, v, true)).toBeCloseTo(
          meanOf(v, (x) => -g(x)),
          4,
        );
        expect(lossOf(mode, v, false)).toBeCloseTo(
          meanOf(v, (x) => fStar(g(x))),
          4,
        );
        expect(lossOf(mode, v, true, false)).toBeCloseTo(
          meanOf(v, (x) => -g(x)),
          4,
        );
      });
    }

    it('ebgan uses its margin option', () => {
      expect(lossOf('ebgan', v, false, true, { ebganMargin: 2 })).toBeCloseTo(
        meanOf(v, (x) => Math.max(2 - x, 0)),
        5,
      );
    });

    it('lists every mode, f-GAN divergences included', () => {
      expect(GAN_MODES).toEqual([
        'vanilla',
        'minimax',
        'lsgan',
        'hinge',
        'wgan',
        'wgangp',
        'ebgan',
        'fgan:kl',
        'fgan:reverse-kl',
        'fgan:pearson',
        'fgan:squared-hellinger',
        'fgan:js',
        'fgan:total-variation',
      ]);
      expect(GAN_MODES.map((m) => new GANLoss(m).needsGradientPenalty)).toEqual(GAN_MODES.map((m) => m === 'wgangp'));
    });

    it("--lambda_gp: wgangp's penalty weight, 0 training wgangp as the reference does (without the penalty)", async () => {
      await useBackend('cpu');
      const opt = { gan_mode: 'wgangp', lambda_gp: 0 };
      expect(ganLossFromOptions(opt).needsGradientPenalty).toBe(false);
      const D = new PixelDiscriminator({ inputNc: 3, ndf: 4, norm: 'instance' });
      const [real, fake] = [
        tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 1) as tf.Tensor4D,
        tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 2) as tf.Tensor4D,
      ];
      expect(discriminatorPenalty(ganLossFromOptions(opt), D, real, fake)).toBeNull();
      // The penalty is linear in λ (same α draws: same seed).
      const penaltyWith = (lambda: number) => {
        seedEverything(5);
        const p = discriminatorPenalty(ganLossFromOptions({ gan_mode: 'wgangp', lambda_gp: lambda }), D, real, fake)!;
        return scalarOf(p);
      };
      const [p10, p2] = [penaltyWith(10), penaltyWith(2)];
      expect(p10).toBeGreaterThan(0);
      expect(p2 / p10).toBeCloseTo(0.2, 6);
      expect(() => ganLossFromOptions({ gan_mode: 'wgangp', lambda_gp: -1 })).toThrow(/--lambda_gp must be a number ≥ 0; got -1/);
      tf.dispose([real, fake]);
      D.dispose();
    });
  });

  describe('numerical stability', () => {
    const extremes = Float32Array.from([-100, -40, -20, 0, 20, 40, 100, 60, -60, 5, -5, 1, -1, 80, -80, 0.5, -0.5, 30]);

    it('BCE-with-logits is exact at logits of ±100 where log(σ(x)) would give log(0)', () => {
      // BCE(x, 1) = softplus(−x) and BCE(x, 0) = softplus(x); softplus(z) = z for z ≫ 0, e^z for z ≪ 0.
      const softplus = (z: number) => (z > 30 ? z : Math.log1p(Math.exp(z)));
      expect(lossOf('vanilla', extremes, true)).toBeCloseTo(
        meanOf(extremes, (x) => softplus(-x)),
        4,
      );
      expect(lossOf('vanilla', extremes, false)).toBeCloseTo(
        meanOf(extremes, (x) => softplus(x)),
        4,
      );
      expect(lossOf('minimax', extremes, true, false)).toBeCloseTo(
        meanOf(extremes, (x) => -softplus(x)),
        4,
      );
    });

    it('f-GAN losses stay finite where the textbook composition f*(g_f(v)) overflows or takes log(0)', () => {
      // js at v = 40: 2 − exp(g) = 2 − 2σ(40) rounds to 0 in float32, so the textbook form is −log(0) = ∞;
      // the closed form softplus(v) − log 2 gives 40 − log 2.
      const big = Float32Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 40 : -40));
      const softplus = (z: number) => (z > 30 ? z : Math.log1p(Math.exp(z)));
      expect(lossOf('fgan:js', big, false)).toBeCloseTo(
        meanOf(big, (x) => softplus(x) - Math.log(2)),
        3,
      );
      expect(lossOf('fgan:js', big, true)).toBeCloseTo(
        meanOf(big, (x) => softplus(-x) - Math.log(2)),
        3,
      );
      // reverse-kl: the textbook −1 − log(−g) with g = −exp(−120) = −0 in float32 is +∞; the closed form is v − 1.
      const far = Float32Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 120 : 3));
      expect(lossOf('fgan:reverse-kl', far, false)).toBeCloseTo(
        meanOf(far, (x) => x - 1),
        4,
      );
      // squared-hellinger: g/(1 − g) with g = 1 − exp(−v) divides by exp(−40) ≈ 4e-18; closed form exp(v) − 1.
      const mid = Float32Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 20 : -20));
      expect(lossOf('fgan:squared-hellinger', mid, false) / meanOf(mid, (x) => Math.expm1(x))).toBeCloseTo(1, 5);
      for (const div of F_DIVERGENCES) {
        for (const real of [true, false]) {
          const moderate = Float32Array.from(extremes, (x) => Math.max(-60, Math.min(60, x)));
          expect(Number.isFinite(lossOf(`fgan:${div}`, moderate, real)), `fgan:${div} ${real}`).toBe(true);
        }
      }
    });

    it('the gradient of the vanilla D loss is (σ(x) − t)/n', () => {
      const v = uniformArray(N, 12);
      const x = tf.tensor(v, SHAPE);
      const gan = new GANLoss('vanilla');
      for (const [real, t] of [
        [true, 1],
        [false, 0],
      ] as const) {
        const g = tf.grad((p: tf.Tensor) => gan.loss(p, real))(x);
        const expected = Array.from(v, (xi) => (sigmoid(xi) - t) / N);
        Array.from(g.dataSync()).forEach((gi, i) => expect(gi).toBeCloseTo(expected[i]!, 7));
        g.dispose();
      }
      x.dispose();
    });
  });
});

describe('multi-scale predictions', () => {
  const a = uniformArray(N, 21);
  const b = uniformArray(8, 22);
  const c = uniformArray(4, 23);

  it('a list of maps gives the mean of the per-scale losses', () => {
    const pa = tf.tensor(a, SHAPE);
    const pb = tf.tensor(b, [2, 2, 2, 1]);
    const loss = scalarOf(new GANLoss('lsgan').loss([pa, pb], true));
    expect(loss).toBeCloseTo((meanOf(a, (x) => (x - 1) ** 2) + meanOf(b, (x) => (x - 1) ** 2)) / 2, 5);
    tf.dispose([pa, pb]);
  });

  it('a scale given as a feature list uses only its last map', () => {
    // The first maps are NaN: any use of them would poison the result.
    const junk = tf.fill([2, 4, 4, 3], NaN);
    const pa = tf.tensor(a, SHAPE);
    const pc = tf.tensor(c, [2, 1, 2, 1]);
    const loss = scalarOf(
      new GANLoss('hinge').loss(
        [
          [junk, junk, pa],
          [junk, pc],
        ],
        false,
      ),
    );
    expect(loss).toBeCloseTo((meanOf(a, (x) => Math.max(1 + x, 0)) + meanOf(c, (x) => Math.max(1 + x, 0))) / 2, 5);
    tf.dispose([junk, pa, pc]);
  });

  it('rejects an empty list', () => {
    expect(() => new GANLoss('lsgan').loss([], true)).toThrow(/at least one scale/);
  });
});

describe('soft and noisy targets', () => {
  const v = uniformArray(N, 31);

  it("'uniform(0.7,1.2)' draws one target per sample per call from the seeded RNG", () => {
    const gan = new GANLoss('vanilla', { targetReal: 'uniform(0.7,1.2)', targetFake: 'uniform(0,0.3)' });
    const pred = tf.tensor(v, SHAPE);
    seedEverything(99);
    const first = scalarOf(gan.loss(pred, true));
    const second = scalarOf(gan.loss(pred, false));
    pred.dispose();
    // Independent replay of the draws: sample i of a call takes the i-th draw; each element of a
    // sample (H·W·C = 9 of them) shares it.
    const rng = new SeededRandom(99);
    const real = [0.7 + 0.5 * rng.nextFloat(), 0.7 + 0.5 * rng.nextFloat()];
    const fake = [0.3 * rng.nextFloat(), 0.3 * rng.nextFloat()];
    expect(first).toBeCloseTo(
      meanOf(v, (x, i) => bce(x, real[Math.floor(i / 9)]!)),
      5,
    );
    expect(second).toBeCloseTo(
      meanOf(v, (x, i) => bce(x, fake[Math.floor(i / 9)]!)),
      5,
    );
    expect(first).not.toBeCloseTo(
      meanOf(v, (x) => bce(x, 1)),
      3,
    );
  });

  it('a sampler function is called once per sample and shared by every scale of one call', () => {
    const draws = [0.9, 0.8, 0.75, 0.95];
    let calls = 0;
    const gan = new GANLoss('lsgan', { targetReal: () => draws[calls++]! });
    const pa = tf.tensor(v, SHAPE);
    const pb = tf.tensor(v.slice(0, 8), [2, 2, 2, 1]);
    const first = scalarOf(gan.loss([pa, pb], true));
    expect(calls).toBe(2);
    const second = scalarOf(gan.loss(pa, true));
    expect(calls).toBe(4);
    tf.dispose([pa, pb]);
    const lsA = (t: number[]) => meanOf(v, (x, i) => (x - t[Math.floor(i / 9)]!) ** 2);
    const lsB = (t: number[]) => meanOf(v.slice(0, 8), (x, i) => (x - t[Math.floor(i / 4)]!) ** 2);
    expect(first).toBeCloseTo((lsA([0.9, 0.8]) + lsB([0.9, 0.8])) / 2, 5);
    expect(second).toBeCloseTo(lsA([0.75, 0.95]), 5);
  });

  it('constant targets, as numbers or strings', () => {
    expect(lossOf('lsgan', v, true, true, { targetReal: 0.9 })).toBeCloseTo(
      meanOf(v, (x) => (x - 0.9) ** 2),
      5,
    );
    expect(lossOf('vanilla', v, false, true, { targetFake: '0.1' })).toBeCloseTo(
      meanOf(v, (x) => bce(x, 0.1)),
      5,
    );
    // minimax's generator uses the fake label: −BCE(D(G(x)), t_fake).
    expect(lossOf('minimax', v, true, false, { targetFake: 0.1 })).toBeCloseTo(
      meanOf(v, (x) => -bce(x, 0.1)),
      5,
    );
  });

  it('rejects malformed specs, and targets for modes without labels (defaults are fine)', () => {
    expect(() => new GANLoss('vanilla', { targetReal: 'gauss(1,2)' })).toThrow(OptionError);
    expect(() => new GANLoss('vanilla', { targetReal: 'uniform(1.2,0.7)' })).toThrow(OptionError);
    expect(() => new GANLoss('vanilla', { targetReal: Number.NaN })).toThrow(OptionError);
    expect(() => new GANLoss('hinge', { targetReal: 0.9 })).toThrow(/apply only to the vanilla, minimax, lsgan/);
    expect(() => new GANLoss('wgangp', { targetReal: 1, targetFake: 0 })).not.toThrow();
  });
});

describe('errors and helpers', () => {
  it('an unknown mode is an OptionError naming the modes and the closest match', () => {
    expect(() => new GANLoss('lsgna')).toThrow(OptionError);
    expect(() => new GANLoss('lsgna')).toThrow(/Unknown GAN mode 'lsgna'\. Did you mean 'lsgan'\?.*fgan:js.*wgangp/);
    expect(() => new GANLoss('fgan:chi2')).toThrow(/Known: .*fgan:pearson/);
  });

  it('the hinge and minimax generator losses refuse targetIsReal = false', () => {
    const p = tf.zeros([1, 2, 2, 1]);
    expect(() => new GANLoss('hinge').loss(p, false, { forDiscriminator: false })).toThrow(/defined only for targetIsReal = true/);
    expect(() => new GANLoss('minimax').loss(p, false, { forDiscriminator: false })).toThrow(/defined only for targetIsReal = true/);
    p.dispose();
  });

  it('rejects non-positive wganClip and ebganMargin', () => {
    expect(() => new GANLoss('wgan', { wganClip: 0 })).toThrow(OptionError);
    expect(() => new GANLoss('ebgan', { ebganMargin: -1 })).toThrow(OptionError);
  });

  it('wgan clips the critic weights after a D step; other modes leave them alone', () => {
    const values = [-0.5, -0.01, 0.004, 0.02, 3];
    const w = tf.variable(tf.tensor1d(values));
    new GANLoss('wgangp').afterDiscriminatorStep([w]);
    expect(Array.from(w.dataSync())).toEqual(Array.from(Float32Array.from(values)));
    new GANLoss('wgan', { wganClip: 0.015 }).afterDiscriminatorStep([w]);
    expect(Array.from(w.dataSync())).toEqual(Array.from(Float32Array.from([-0.015, -0.01, 0.004, 0.015, 0.015])));
    clipWeights([w], 0.005);
    expect(Array.from(w.dataSync())).toEqual(Array.from(Float32Array.from([-0.005, -0.005, 0.004, 0.005, 0.005])));
    w.dispose();
  });

  it('leaks no tensors, for every mode, on lists and with sampled targets', () => {
    const p = tf.tensor(uniformArray(N, 41), SHAPE);
    const feats = [[tf.ones([2, 3, 3, 2]), p], [p]];
    const before = tf.memory().numTensors;
    for (const mode of GAN_MODES) {
      const options = mode === 'vanilla' ? { targetReal: 'uniform(0.7,1.2)' } : {};
      const gan = new GANLoss(mode, options);
      for (const real of [true, false]) tf.dispose([gan.loss(p, real), gan.loss(feats, real)]);
      tf.dispose(gan.loss(p, true, { forDiscriminator: false }));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p, feats[0]![0]!]);
  });
});
