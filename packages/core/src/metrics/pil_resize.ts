/**
 * PIL's `Image.resize(size, Image.BICUBIC)` on a float ('F' mode) channel, as clean-fid's "clean"
 * resize calls it channel by channel: Pillow's Resample.c — separable, antialiased (the kernel is
 * widened by the downscale factor), bicubic with a = −0.5, float64 coefficients normalised to sum
 * 1, float64 accumulation, the horizontal pass first into a float32 intermediate holding only the
 * rows the vertical pass reads.
 */

/** Pillow's bicubic kernel (a = −0.5), support 2. */
function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

interface Coefficients {
  /** First input index of each output sample. */
  start: Int32Array;
  /** Number of input samples of each output sample. */
  count: Int32Array;
  /** `size` weights per output sample. */
  weights: Float64Array;
  size: number;
}

/** Pillow's `precompute_coeffs` for resampling `inSize` samples to `outSize`. */
function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const size = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * size);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) / filterScale);
      weights[xx * size + x] = w;
      total += w;
    }
    if (total !== 0) for (let x = 0; x < xmax; x++) weights[xx * size + x] = weights[xx * size + x]! / total;
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, weights, size };
}

/** One float channel (row-major `width`×`height`) resized to `outWidth`×`outHeight` as PIL's 'F' mode bicubic resize. */
export function pilResizeBicubicFloat(
  channel: ArrayLike<number>,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const vertical = coefficients(height, outHeight);
  const firstRow = vertical.start[0]!;
  const lastRow = vertical.start[outHeight - 1]! + vertical.count[outHeight - 1]!;
  let rows: Float32Array;
  let rowWidth = width;
  if (outWidth !== width) {
    const horizontal = coefficients(width, outWidth);
    rows = new Float32Array((lastRow - firstRow) * outWidth);
    for (let y = firstRow; y < lastRow; y++) {
      for (let xx = 0; xx < outWidth; xx++) {
        const s = horizontal.start[xx]!;
        const k = xx * horizontal.size;
        let sum = 0;
        for (let x = 0; x < horizontal.count[xx]!; x++) sum += channel[y * width + s + x]! * horizontal.weights[k + x]!;
        rows[(y - firstRow) * outWidth + xx] = sum;
      }
    }
    rowWidth = outWidth;
  } else {
    rows = Float32Array.from({ length: (lastRow - firstRow) * width }, (_, i) => channel[firstRow * width + i]!);
  }
  if (outHeight === height) return rows;
  const out = new Float32Array(outWidth * outHeight);
  for (let yy = 0; yy < outHeight; yy++) {
    const s = vertical.start[yy]! - firstRow;
    const k = yy * vertical.size;
    for (let xx = 0; xx < rowWidth; xx++) {
      let sum = 0;
      for (let y = 0; y < vertical.count[yy]!; y++) sum += rows[(s + y) * rowWidth + xx]! * vertical.weights[k + y]!;
      out[yy * outWidth + xx] = sum;
    }
  }
  return out;
}
