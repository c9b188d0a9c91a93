/** Edge maps for edges2photo: Sobel magnitude or Canny, drawn as dark lines on white (as edges2shoes). */
import type { RawImage } from '@translate/core';

/** Sobel gradient magnitude of a gray image as dark-on-white 8-bit: 255 − min(255, |∇| · gain). */
export function sobelEdges(gray: RawImage, gain = 1): RawImage {
  const { gx, gy } = sobel(gray);
  const out = new Uint8Array(gx.length);
  for (let i = 0; i < out.length; i++) out[i] = 255 - Math.min(255, Math.round(Math.hypot(gx[i]!, gy[i]!) * gain));
  return { data: out, width: gray.width, height: gray.height, channels: 1 };
}

/**
 * Canny: Gaussian blur (σ 1.4), Sobel, non-maximum suppression, hysteresis between `low` and
 * `high` (gradient magnitudes). Edges are 0 (black) on 255 (white).
 */
export function cannyEdges(gray: RawImage, low = 40, high = 100): RawImage {
  const { width: w, height: h } = gray;
  const { gx, gy } = sobel(gaussianBlur(gray));
  const mag = new Float32Array(w * h);
  for (let i = 0; i < mag.length; i++) mag[i] = Math.hypot(gx[i]!, gy[i]!);
  const thin = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const angle = ((Math.atan2(gy[i]!, gx[i]!) * 180) / Math.PI + 180) % 180;
      const [dx, dy] = angle < 22.5 || angle >= 157.5 ? [1, 0] : angle < 67.5 ? [1, 1] : angle < 112.5 ? [0, 1] : [-1, 1];
      const m = mag[i]!;
      if (m >= mag[i + dy * w + dx]! && m >= mag[i - dy * w - dx]!) thin[i] = m;
    }
  }
  const edge = new Uint8Array(w * h);
  const stack: number[] = [];
  for (let i = 0; i < thin.length; i++) {
    if (thin[i]! >= high && !edge[i]) {
      edge[i] = 1;
      stack.push(i);
      while (stack.length > 0) {
        const j = stack.pop()!;
        const x = j % w;
        const y = (j - x) / w;
        for (let ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
          for (let nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
            const k = ny * w + nx;
            if (!edge[k] && thin[k]! >= low) {
              edge[k] = 1;
              stack.push(k);
            }
          }
        }
      }
    }
  }
  return { data: edge.map((e) => (e ? 0 : 255)), width: w, height: h, channels: 1 };
}

/** 3×3 Sobel derivatives with replicated borders. */
function sobel(img: RawImage): { gx: Float32Array; gy: Float32Array } {
  const { width: w, height: h, data } = img;
  const at = (x: number, y: number) => data[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      gx[y * w + x] = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
      gy[y * w + x] = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
    }
  }
  return { gx, gy };
}

/** 5×5 Gaussian blur, σ = 1.4, separable, replicated borders. */
function gaussianBlur(img: RawImage): RawImage {
  const { width: w, height: h } = img;
  const k = [-2, -1, 0, 1, 2].map((d) => Math.exp(-(d * d) / (2 * 1.4 * 1.4)));
  const norm = k.reduce((a, b) => a + b, 0);
  const pass = (src: ArrayLike<number>, horizontal: boolean) => {
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let t = -2; t <= 2; t++) {
          const xx = horizontal ? Math.min(w - 1, Math.max(0, x + t)) : x;
          const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + t));
          s += src[yy * w + xx]! * k[t + 2]!;
        }
        out[y * w + x] = s / norm;
      }
    }
    return out;
  };
  const blurred = pass(pass(img.data, true), false);
  return { data: Uint16Array.from(blurred, (v) => Math.round(v)), width: w, height: h, channels: 1 };
}
