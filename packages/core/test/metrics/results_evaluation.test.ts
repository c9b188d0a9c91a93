/** `--metrics` parsing, the generated/real visual pair a model declares, and RGB conversion. */
import { describe, expect, it } from 'vitest';
import { evaluatedVisuals, parseResultMetrics, toRgbImage } from '../../src/metrics/index.js';

describe('translate test --metrics', () => {
  it('parses a comma list, case-insensitive, without repeats; unknown names are usage errors', () => {
    expect(parseResultMetrics('')).toEqual([]);
    expect(parseResultMetrics('FID, kid,fid,lpips')).toEqual(['fid', 'kid', 'lpips']);
    expect(() => parseResultMetrics('fid,is')).toThrow("--metrics: unknown metric 'is'; known: fid, kid, lpips.");
  });

  it('compares the pair of visuals a model declares; a model without one (the test model) is refused', () => {
    expect(evaluatedVisuals('cycle_gan', { fake: 'fake_B', real: 'real_B' }, ['real_A', 'fake_B', 'real_B'])).toEqual({
      fake: 'fake_B',
      real: 'real_B',
    });
    expect(() => evaluatedVisuals('test', null, ['real', 'fake'])).toThrow(
      "model 'test' has no pair of generated and real visuals (real, fake)",
    );
  });

  it('gray images become RGB by copying, as PIL convert("RGB")', () => {
    const rgb = toRgbImage({ data: new Uint8Array([7, 200]), width: 2, height: 1, channels: 1 });
    expect(Array.from(rgb.data)).toEqual([7, 7, 7, 200, 200, 200]);
  });
});
