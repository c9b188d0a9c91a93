/** Pixel conversion as `translate test` does it, float16 encoding and GauGAN label maps. */
import { describe, expect, it } from 'vitest';
import { halfToFloat } from '@translate/core';
import { floatToHalf, halfBytes } from '../src/float16.js';
import { labelIds, labelsToRgba, semanticMap } from '../src/labels.js';
import type { LabelPalette } from '../src/manifest.js';
import { cropTopLeft, outputToRgba, padEdges, rgbaToInput } from '../src/pixels.js';

const rgba = (pixels: number[][], width: number) => ({
  data: Uint8ClampedArray.from(pixels.flatMap((p) => [...p, 255])),
  width,
  height: pixels.length / width,
});

describe('pixels', () => {
  it('normalises bytes as (v/255 − 0.5)/0.5 in float32, gray as PIL L, and [0, 1] for unit networks', () => {
    const img = rgba(
      [
        [0, 128, 255],
        [10, 20, 30],
      ],
      2,
    );
    expect(Array.from(rgbaToInput(img, 3, 'tanh').data)).toEqual([
      -1,
      Math.fround(0.003921627998352051),
      1,
      Math.fround(-0.9215686321258545),
      Math.fround(-0.843137264251709),
      Math.fround(-0.7647058963775635),
    ]);
    expect(Array.from(rgbaToInput(img, 1, 'tanh').data).map((v) => Math.round(((v + 1) / 2) * 255))).toEqual([104, 18]);
    expect(Array.from(rgbaToInput(img, 3, 'unit').data.subarray(0, 3))).toEqual([0, Math.fround(0.501960813999176), 1]);
  });

  it('truncates outputs as tensor2im, clamps, and replicates gray', () => {
    const out = outputToRgba({ data: Float32Array.from([-1, 0, 0.999, 1.5, -2, 0.5]), width: 2, height: 1, channels: 3 }, 'tanh');
    expect(Array.from(out.data)).toEqual([0, 127, 254, 255, 255, 0, 191, 255]);
    expect(Array.from(outputToRgba({ data: Float32Array.from([0.5]), width: 1, height: 1, channels: 1 }, 'unit').data)).toEqual([
      127, 127, 127, 255,
    ]);
  });

  it('pads by repeating edges and crops back', () => {
    const img = { data: Float32Array.from([1, 2, 3, 4]), width: 2, height: 2, channels: 1 };
    const padded = padEdges(img, 3, 4);
    expect(Array.from(padded.data)).toEqual([1, 2, 2, 2, 3, 4, 4, 4, 3, 4, 4, 4]);
    expect(Array.from(cropTopLeft(padded, 2, 2).data)).toEqual([1, 2, 3, 4]);
  });
});

describe('float16', () => {
  it('encodes to the nearest half (even on ties), with overflow to infinity and underflow to subnormals and zero', () => {
    expect([1, -2, 0.1, 65504, 65520, 1e-8, 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -15].map(floatToHalf)).toEqual([
      0x3c00, 0xc000, 0x2e66, 0x7bff, 0x7c00, 0, 1, 0x3c00, 0x3c02, 0x0200,
    ]);
  });

  it("round-trips through core's halfToFloat within half a unit in the last place", () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i + 1) * 3);
    const halves = new Uint16Array(halfBytes(values).buffer);
    let worst = 0;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(halfToFloat(halves[i]!) - values[i]!) / Math.abs(values[i]!));
    expect(worst).toBeLessThanOrEqual(2 ** -11);
  });
});

describe('GauGAN label maps', () => {
  const palette: LabelPalette = {
    classes: 3,
    noInstance: false,
    colors: [
      [128, 0, 0],
      [0, 128, 0],
      [128, 128, 0],
    ],
  };

  it('reads palette colours as their classes, and any other picture by its red value', () => {
    expect(
      Array.from(
        labelIds(
          rgba(
            [
              [0, 128, 0],
              [128, 0, 0],
              [128, 128, 0],
            ],
            3,
          ),
          palette,
        ),
      ),
    ).toEqual([1, 0, 2]);
    expect(
      Array.from(
        labelIds(
          rgba(
            [
              [2, 2, 2],
              [0, 0, 0],
              [7, 7, 7],
            ],
            3,
          ),
          palette,
        ),
      ),
    ).toEqual([2, 0, 7]);
  });

  it('one-hot encodes classes (unknown ids all-zero) and appends a zero instance-edge channel', () => {
    expect(Array.from(semanticMap(Uint8Array.from([2, 0, 7]), 3, 1, palette).data)).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(labelsToRgba(Uint8Array.from([1]), 1, 1, palette).data)).toEqual([0, 128, 0, 255]);
  });
});
