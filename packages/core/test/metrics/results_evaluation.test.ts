/** `--metrics` parsing and the generated/real visual pair each model family is evaluated on. */
import { describe, expect, it } from 'vitest';
import { evaluatedVisuals, parseResultMetrics, toRgbImage } from '../../src/metrics/index.js';

describe('translate test --metrics', () => {
  it('parses a comma list, case-insensitive, without repeats; unknown names are usage errors', () => {
    expect(parseResultMetrics('')).toEqual([]);
    expect(parseResultMetrics('FID, kid,fid,lpips')).toEqual(['fid', 'kid', 'lpips']);
    expect(() => parseResultMetrics('fid,is')).toThrow("--metrics: unknown metric 'is'; known: fid, kid, lpips.");
  });

  it('evaluates fake_B/real_B, synthesized_image/real_image, SR/HR; the test model has no pair', () => {
    expect(evaluatedVisuals('cycle_gan', ['real_A', 'fake_B', 'rec_A', 'real_B', 'fake_A', 'rec_B'])).toEqual({ fake: 'fake_B', real: 'real_B' });
    expect(evaluatedVisuals('gaugan', ['input_label', 'synthesized_image', 'real_image'])).toEqual({ fake: 'synthesized_image', real: 'real_image' });
    expect(evaluatedVisuals('srgan', ['bicubic', 'SR', 'HR'])).toEqual({ fake: 'SR', real: 'HR' });
    expect(() => evaluatedVisuals('test', ['real', 'fake'])).toThrow("model 'test' has no pair of generated and real visuals (real, fake)");
  });

  it('gray images become RGB by copying, as PIL convert("RGB")', () => {
    const rgb = toRgbImage({ data: new Uint8Array([7, 200]), width: 2, height: 1, channels: 1 });
    expect(Array.from(rgb.data)).toEqual([7, 7, 7, 200, 200, 200]);
  });
});
