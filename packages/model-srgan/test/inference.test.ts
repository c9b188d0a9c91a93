/**
 * Inference pieces: the bicubic baseline against the datasets package's Pillow-matched resize, the
 * generator's lean inference path against its forward pass (values and memory), tiled inference
 * against whole-image inference (seams included), and its bounded memory.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { seedEverything, tf, decodeImage } from '@translate/core';
import { SRResNetGenerator, bicubicUpscale, runTiled } from '../src/index.js';
import { maxAbsDiff, useBackend } from '../../core/test/helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A generator in eval mode whose BatchNorm running statistics are not the trivial 0/1. */
function evalGenerator(nBlocks: number, ngf: number, scale = 4): SRResNetGenerator {
  seedEverything(11);
  const g = new SRResNetGenerator({ scale, nBlocks, ngf, inputNc: 3, outputNc: 3 });
  const x = tf.randomUniform([2, 12, 12, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  tf.dispose(g.forward(x, { training: true }));
  x.dispose();
  return g.eval();
}

/** Peak bytes of tensors that `run` allocates beyond those alive before it (its result disposed). */
async function peakBytes(run: () => tf.Tensor): Promise<number> {
  const before = tf.memory().numBytes;
  const profile = await tf.profile(run);
  const peak = profile.peakBytes - before;
  tf.dispose(profile.result as tf.Tensor);
  return peak;
}

describe('bicubic baseline', () => {
  it("matches Pillow's bicubic enlargement (fixtures/make_bicubic_fixture.py) within one 8-bit level", async () => {
    await useBackend('cpu');
    const lr = await decodeImage(fixture('astronaut_lr24.png'));
    const expected = await decodeImage(fixture('astronaut_lr24_pil_bicubic_x4.png'));
    const input = tf.tensor4d(
      Float32Array.from(lr.data, (v) => v / 255),
      [1, 24, 24, 3],
    );
    const ours = bicubicUpscale(input, 4);
    const levels = Float32Array.from(ours.dataSync(), (v) => Math.round(v * 255));
    expect(maxAbsDiff(levels, Float32Array.from(expected.data))).toBeLessThanOrEqual(1);
    tf.dispose([input, ours]);
  });
});

describe('lean inference (SRResNetGenerator.infer)', () => {
  it('equals forward at every scale, in one stripe or many, and leaves no tensor behind', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      for (const scale of [2, 4, 8]) {
        const g = evalGenerator(2, 4, scale);
        const x = tf.randomUniform([2, 13, 11, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
        const whole = g.forward(x);
        const before = tf.memory().numTensors;
        for (const rows of [1, 2, 5, 13, undefined]) {
          const lean = g.infer(x, undefined, rows);
          expect(lean.shape, `${backend} ×${scale} rows ${rows}`).toEqual(whole.shape);
          expect(maxAbsDiff(lean, whole), `${backend} ×${scale} rows ${rows}`).toBeLessThan(1e-6);
          lean.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, whole]);
        g.dispose();
      }
    }
  });

  it('holds one stripe of high-resolution features at a time, where forward holds the whole image', async () => {
    await useBackend('wasm');
    const ngf = 8;
    const g = evalGenerator(2, ngf);
    const rows = 4;
    const peaks: Array<{ forward: number; lean: number; output: number; feature: number }> = [];
    for (const height of [48, 96]) {
      const x = tf.randomUniform([1, height, 48, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
      peaks.push({
        forward: await peakBytes(() => g.forward(x)),
        lean: await peakBytes(() => g.infer(x, undefined, rows)),
        output: 16 * height * 48 * 3 * 4,
        feature: height * 48 * ngf * 4,
      });
      x.dispose();
    }
    const [small, large] = peaks as [(typeof peaks)[0], (typeof peaks)[0]];
    // Twice the rows: only the output and the input-resolution feature maps grow, no high-resolution tensor.
    expect(large.lean - small.lean).toBeLessThanOrEqual(large.output - small.output + 2 * (large.feature - small.feature));
    expect(large.forward).toBeGreaterThan(6 * large.lean);
    g.dispose();
  });
});

describe('tiled inference', () => {
  it('equals whole-image inference (seams included) with the default overlap, and not without overlap', async () => {
    await useBackend('wasm');
    const g = evalGenerator(2, 4);
    const x = tf.randomUniform([1, 37, 45, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const whole = g.forward(x);
    const tiled = runTiled((t) => g.infer(t), x, { tile: 16, overlap: g.receptiveRadius(), scale: 4 });
    expect(tiled.shape).toEqual([1, 148, 180, 3]);
    expect(maxAbsDiff(tiled, whole)).toBeLessThan(1e-5);
    const seams = runTiled((t) => g.infer(t), x, { tile: 16, overlap: 0, scale: 4 });
    expect(maxAbsDiff(seams, whole)).toBeGreaterThan(1e-3);
    expect(g.receptiveRadius()).toBe(Math.ceil(4 + 2 * 2 + 1 + (1 + 1 / 2) + 4 / 4));
    tf.dispose([x, whole, tiled, seams]);
    g.dispose();
  });

  it('keeps peak memory at the output plus one tile, whatever the image size', async () => {
    await useBackend('wasm');
    const g = evalGenerator(1, 8);
    const peaks: Array<{ tiled: number; whole: number; output: number }> = [];
    for (const side of [48, 96]) {
      const x = tf.randomUniform([1, side, side, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
      const tiled = await peakBytes(() => runTiled((t) => g.infer(t), x, { tile: 16, overlap: g.receptiveRadius(), scale: 4 }));
      const whole = await peakBytes(() => g.forward(x));
      peaks.push({ tiled, whole, output: 16 * side * side * 3 * 4 });
      x.dispose();
    }
    const [small, large] = peaks as [(typeof peaks)[0], (typeof peaks)[0]];
    // Beyond its output, a tiled run needs the same memory for a 4× larger image; a whole-image run needs 4× more.
    expect(large.tiled - large.output).toBeLessThan(1.1 * (small.tiled - small.output));
    expect(large.whole).toBeGreaterThan(3.5 * small.whole);
    expect(large.tiled).toBeLessThan(large.whole / 5);
    g.dispose();
  });
});
