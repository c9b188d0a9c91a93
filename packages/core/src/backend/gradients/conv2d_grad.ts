/**
 * Gradient of `Conv2D` that also handles dilations > 1 (tfjs' own asserts dilation 1). With dilation
 * 1 it does what tfjs' does (runs the backend's `Conv2DBackpropInput` / `Conv2DBackpropFilter`
 * kernels, which are ours on cpu and wasm) and also passes `dimRoundingMode` on; with dilations it
 * runs our op-level implementations, which work on every backend.
 */
import { tf } from '../../tf.js';
import { conv2dBackpropFilter } from '../kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInput } from '../kernels/conv2d_backprop_input.js';
import { pair, type ConvPadding, type DimRoundingMode } from '../kernels/util.js';

/** Attributes of the `Conv2D` kernel. */
interface Conv2DAttrs {
  strides: number | [number, number];
  pad: ConvPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: DimRoundingMode;
}

/** The `Conv2D` gradient config with dilation support (registered globally). */
export const conv2dGradConfig: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as Conv2DAttrs;
    const dy4 = dy as tf.Tensor4D;
    const [dh, dw] = pair(a.dilations);
    const rounding = a.dimRoundingMode !== undefined ? { dimRoundingMode: a.dimRoundingMode } : {};
    if (dh === 1 && dw === 1) {
      const common = { strides: a.strides, pad: a.pad, dataFormat: a.dataFormat, ...rounding };
      return {
        x: () =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dy4, filter }, {
            ...common,
            inputShape: x.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
        filter: () =>
          tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dy4 }, {
            ...common,
            filterShape: filter.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
      };
    }
    const common = { strides: a.strides, pad: a.pad, dilations: [dh, dw] as [number, number], dataFormat: a.dataFormat, ...rounding };
    return {
      x: () => conv2dBackpropInput({ ...common, inputShape: x.shape, dy: dy4, filter }),
      filter: () => conv2dBackpropFilter({ ...common, x, dy: dy4, filterShape: filter.shape }),
    };
  },
};
