/**
 * `TranslateWindows` for the wasm backend: the columns matrix of a convolution's filter gradient,
 * [fh·fw·c, n·oh·ow] (rows tap-major, then channel), from the padded input in channels-first layout
 * [c, n, H, W], copied within the wasm heap: in runs of `ow` floats at column stride 1, element by
 * element otherwise. The op-level equivalent (the input split into stride phases, one slice per
 * tap, then a stack) writes every element twice and allocates one intermediate per tap.
 */
import type { tf } from '../../tf.js';
import { FUSED } from '../fused.js';
import type { ConvGeometry } from './util.js';
import { f32, heapOf } from './wasm_heap.js';

/** Attributes of `TranslateWindows`: filter size, stride, dilation and output size of the convolution. */
export type WindowsAttrs = Pick<ConvGeometry, 'fh' | 'fw' | 'sh' | 'sw' | 'dh' | 'dw' | 'outH' | 'outW'>;

/** The `TranslateWindows` kernel config for wasm backend `backendName`. */
export function windowsWasmKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: FUSED.windows,
    backendName,
    kernelFunc: (args) => {
      const x = args.inputs['x']!;
      const { fh, fw, sh, sw, dh, dw, outH: oh, outW: ow } = args.attrs as unknown as WindowsAttrs;
      const [c, n, h, w] = x.shape as [number, number, number, number];
      if ((fh - 1) * dh + (oh - 1) * sh + 1 > h || (fw - 1) * dw + (ow - 1) * sw + 1 > w)
        throw new Error(`${FUSED.windows}: windows exceed the input [${x.shape}]`);
      const b = heapOf(args);
      const out = b.makeOutput([fh * fw * c, n * oh * ow], 'float32');
      // One view of the whole heap (taken after makeOutput, which may grow it); copyWithin per run.
      const src = f32(b, x);
      const heap = new Float32Array(src.buffer);
      const from0 = src.byteOffset / 4;
      let to = f32(b, out).byteOffset / 4;
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          for (let plane = 0; plane < c * n; plane++) {
            let from = from0 + (plane * h + i * dh) * w + j * dw;
            for (let r = 0; r < oh; r++, from += sh * w, to += ow) {
              if (sw === 1) heap.copyWithin(to, from, from + ow);
              else for (let q = 0; q < ow; q++) heap[to + q] = heap[from + q * sw]!;
            }
          }
        }
      }
      return out;
    },
  };
}
