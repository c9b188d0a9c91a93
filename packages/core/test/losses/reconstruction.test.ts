/**
 * Reconstruction and feature losses (L1, MSE, TV, KLD, feature matching) against plain-JS formulas,
 * and `detach` (values shared, no gradient, independent disposal).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { OptionError } from '../../src/errors.js';
import { detach, featureMatchingLoss, kldLoss, l1Loss, mseLoss, tvLoss } from '../../src/losses/index.js';
import { BACKENDS, maxAbsDiff, useBackend } from '../helpers.js';
import { meanOf, scalarOf, uniformArray, uniformTensor } from './js_reference.js';

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

  describe('L1 and MSE', () => {
    it('are means of |a − b| and (a − b)²', () => {
      const a = uniformArray(24, 1);
      const b = uniformArray(24, 2);
      const ta = tf.tensor(a, [2, 2, 3, 2]);
      const tb = tf.tensor(b, [2, 2, 3, 2]);
      expect(scalarOf(l1Loss(ta, tb))).toBeCloseTo(
        meanOf(a, (x, i) => Math.abs(x - b[i]!)),
        5,
      );
      expect(scalarOf(mseLoss(ta, tb))).toBeCloseTo(
        meanOf(a, (x, i) => (x - b[i]!) ** 2),
        5,
      );
      tf.dispose([ta, tb]);
    });

    it('refuse operands of different shapes instead of broadcasting', () => {
      const a = tf.zeros([2, 4, 4, 3]);
      const b = tf.zeros([1, 4, 4, 3]);
      expect(() => l1Loss(a, b)).toThrow(/shapes differ/);
      expect(() => mseLoss(a, b)).toThrow(/shapes differ/);
      tf.dispose([a, b]);
    });
  });

  describe('tvLoss', () => {
    it("is leftthomas/SRGAN's TVLoss: 2·(Σ(Δh)²/(C(H−1)W) + Σ(Δw)²/(CH(W−1)))/B", () => {
      const [n, h, w, c] = [2, 4, 5, 3];
      const v = uniformArray(n * h * w * c, 3);
      const at = (b: number, y: number, x: number, ch: number) => v[((b * h + y) * w + x) * c + ch]!;
      let hTv = 0;
      let wTv = 0;
      for (let b = 0; b < n; b++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++)
            for (let ch = 0; ch < c; ch++) {
              if (y + 1 < h) hTv += (at(b, y + 1, x, ch) - at(b, y, x, ch)) ** 2;
              if (x + 1 < w) wTv += (at(b, y, x + 1, ch) - at(b, y, x, ch)) ** 2;
            }
      const expected = (2 * (hTv / (c * (h - 1) * w) + wTv / (c * h * (w - 1)))) / n;
      const x = tf.tensor4d(v, [n, h, w, c]);
      expect(scalarOf(tvLoss(x))).toBeCloseTo(expected, 4);
      x.dispose();
    });

    it('a one-pixel-high image has only horizontal differences', () => {
      const x = tf.tensor4d([0, 1, 3], [1, 1, 3, 1]);
      expect(scalarOf(tvLoss(x))).toBeCloseTo(2 * ((1 + 4) / 2), 6);
      x.dispose();
    });
  });

  describe('kldLoss', () => {
    it('is −0.5·Σ(1 + logvar − μ² − exp(logvar)) over the batch and the latent dims', () => {
      const mu = uniformArray(2 * 8, 4, -1, 1);
      const logvar = uniformArray(2 * 8, 5, -2, 1);
      const expected = -0.5 * Array.from(mu).reduce((s, m, i) => s + 1 + logvar[i]! - m * m - Math.exp(logvar[i]!), 0);
      const tm = tf.tensor2d(mu, [2, 8]);
      const tl = tf.tensor2d(logvar, [2, 8]);
      expect(scalarOf(kldLoss(tm, tl))).toBeCloseTo(expected, 4);
      expect(tf.tidy(() => scalarOf(kldLoss(tf.zerosLike(tm), tf.zerosLike(tl))))).toBeCloseTo(0, 7);
      tf.dispose([tm, tl]);
    });
  });
});

describe('featureMatchingLoss', () => {
  const shapes = [
    [
      [1, 4, 4, 2],
      [1, 2, 2, 3],
      [1, 1, 1, 1],
    ],
    [
      [1, 2, 2, 2],
      [1, 1, 1, 3],
      [1, 1, 1, 1],
    ],
  ];
  const make = (seed: number) => shapes.map((scale, i) => scale.map((s, j) => uniformTensor(s, seed + 10 * i + j)));

  /** Σ over scales and maps except the last of dist(fake, real), times λ/numD. */
  function expected(fake: tf.Tensor[][], real: tf.Tensor[][], lambda: number, numD: number, dist: (d: number) => number): number {
    let total = 0;
    fake.forEach((scale, i) =>
      scale.slice(0, -1).forEach((f, j) => {
        const r = real[i]![j]!.dataSync();
        total += meanOf(f.dataSync(), (x, k) => dist(x - r[k]!));
      }),
    );
    return (total * lambda) / numD;
  }

  it('sums L1 (or L2) over every map but the last of each scale, × λ/num_D', () => {
    const fake = make(100);
    const real = make(200);
    // The last maps differ wildly: they must not count.
    real.forEach((scale) => scale.push(tf.fill([1, 1, 1, 1], 1e6)));
    fake.forEach((scale) => scale.push(tf.fill([1, 1, 1, 1], -1e6)));
    expect(scalarOf(featureMatchingLoss(fake, real))).toBeCloseTo(expected(fake, real, 10, 2, Math.abs), 4);
    expect(scalarOf(featureMatchingLoss(fake, real, { kind: 'l2', lambda: 3, numD: 4 }))).toBeCloseTo(
      expected(fake, real, 3, 4, (d) => d * d),
      4,
    );
    tf.dispose([...fake.flat(), ...real.flat()]);
  });

  it('detaches the real features: the gradient flows through the fake side only', () => {
    // fake = a·v, real = b·v with one shared variable v: d/dv L1(a·v, sg(b·v)) = a·sign((a − b)·v)/n.
    const v = tf.variable(tf.tensor4d([0.5, -1, 2, -0.25], [1, 2, 2, 1]));
    const { value, grads } = tf.variableGrads(() => {
      const feats = (k: number) => [[tf.mul(v, k), tf.zeros([1, 1, 1, 1])]];
      return featureMatchingLoss(feats(3), feats(1), { lambda: 1 });
    }, [v]);
    expect(maxAbsDiff(grads[v.name]!, Float32Array.from([3 / 4, -3 / 4, 3 / 4, -3 / 4]))).toBeLessThan(1e-6);
    tf.dispose([v, value, ...Object.values(grads)]);
  });

  it('rejects mismatched scales or maps, and unknown kinds', () => {
    const a = make(1);
    const b = make(2);
    expect(() => featureMatchingLoss(a, b.slice(0, 1))).toThrow(/2 fake scales but 1 real/);
    expect(() => featureMatchingLoss(a, [b[0]!, b[1]!.slice(0, 2)])).toThrow(/scale 1 has 3 fake maps but 2 real/);
    expect(() => featureMatchingLoss(a, b, { kind: 'l3' as 'l1' })).toThrow(OptionError);
    tf.dispose([...a.flat(), ...b.flat()]);
  });
});

describe('detach', () => {
  it('shares the values but carries no gradient', () => {
    const x = tf.tensor1d([1, -2, 3]);
    // d/dx Σ sg(x)·x = sg(x) = x (it would be 2x without the stop-gradient).
    const g = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(detach(y), y)))(x);
    expect(Array.from(g.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([x, g]);
  });

  it('copies nothing, and either tensor can be disposed first', () => {
    const x = tf.tensor1d([4, 5]);
    const before = tf.memory();
    const y = detach(x);
    expect(tf.memory().numTensors).toBe(before.numTensors + 1);
    expect(tf.memory().numBytes).toBe(before.numBytes + 8);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([4, 5]);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers - 1);
    expect(tf.memory().numTensors).toBe(before.numTensors - 1);
  });
});
