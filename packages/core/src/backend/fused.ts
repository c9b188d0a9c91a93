/**
 * Fused kernels that a backend may provide (today: the wasm backend with the native addon), and the
 * gradients that make them differentiable to any order. Code that can use one asks
 * {@link hasFusedKernel} and otherwise composes the same computation from tfjs ops.
 */
import { tf } from '../tf.js';

/** Names of our fused kernels. */
export const FUSED = {
  /** x → [x̂, mean, rstd]: instance normalisation of NHWC x over H, W (attr `eps`). */
  instanceNorm: 'TranslateInstanceNorm',
  /** x → [relu(x̂), mean, rstd]: instance normalisation followed by a ReLU (attr `eps`). */
  instanceNormRelu: 'TranslateInstanceNormRelu',
  /** (x, dy, mean, rstd) → dx: the instance-norm input gradient. */
  instanceNormGrad: 'TranslateInstanceNormGrad',
  /** (x, dy, mean, rstd, y) → dx: the same with dy masked to y > 0 (y: the fused ReLU's output). */
  instanceNormReluGrad: 'TranslateInstanceNormReluGrad',
  /** dy → dx: the gradient of an NHWC mirror pad of H and W (attrs `paddings`, `mode`). */
  mirrorPadGrad: 'TranslateMirrorPadGrad',
  /** (param, grad, m, v) → [param', m', v']: one Adam update (attr `hyper`). */
  adam: 'TranslateAdam',
  /** x [c, n, H, W] → the [fh·fw·c, n·oh·ow] columns of a conv's filter gradient (attrs `WindowsAttrs`; pure wasm). */
  windows: 'TranslateWindows',
  /** (x NHWC, dy) → dW [3, 3, c, k]: a 3×3 stride-1 conv's filter gradient by Winograd (attrs `WinogradGradAttrs`; pure wasm). */
  winogradFilterGrad: 'TranslateWinogradFilterGrad',
  /** (dy, filter HWIO) → dx: a 3×3 stride-1 conv's input gradient by Winograd (attrs `WinogradGradAttrs`; pure wasm). */
  winogradInputGrad: 'TranslateWinogradInputGrad',
} as const;

/** Whether the active backend has fused kernel `name`. */
export function hasFusedKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Instance normalisation from tfjs ops: x̂ and rstd (NHWC, biased variance). */
export function standardize(x: tf.Tensor, eps: number): { xhat: tf.Tensor; rstd: tf.Tensor } {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  const rstd = tf.rsqrt(tf.add(variance, eps));
  return { xhat: tf.mul(tf.sub(x, mean), rstd), rstd };
}

/** The instance-norm input gradient from tfjs ops: rstd·(dy − mean(dy) − x̂·mean(dy·x̂)). */
export function instanceNormGradOps(x: tf.Tensor, dy: tf.Tensor, eps: number): tf.Tensor {
  const { xhat, rstd } = standardize(x, eps);
  const meanDy = tf.mean(dy, [1, 2], true);
  const meanDyXhat = tf.mean(tf.mul(dy, xhat), [1, 2], true);
  return tf.mul(rstd, tf.sub(tf.sub(dy, meanDy), tf.mul(xhat, meanDyXhat)));
}

const instanceNormGrad: tf.GradConfig = {
  kernelName: FUSED.instanceNorm,
  inputsToSave: ['x'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, mean, rstd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    return {
      x: () => tf.engine().runKernel(FUSED.instanceNormGrad, { x, dy, mean, rstd }, attrs) as tf.Tensor,
    };
  },
};

/** The ReLU's mask comes from the saved output y (y > 0 exactly where the ReLU passed). */
const instanceNormReluGrad: tf.GradConfig = {
  kernelName: FUSED.instanceNormRelu,
  inputsToSave: ['x'],
  outputsToSave: [true, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, y, mean, rstd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    return {
      x: () => tf.engine().runKernel(FUSED.instanceNormReluGrad, { x, dy, mean, rstd, y }, attrs) as tf.Tensor,
    };
  },
};

/**
 * ∂/∂x of Σ g·dx for dx = instanceNormGradOps(x, dy) (dy held fixed), from tfjs ops. With r = rstd,
 * x̂ the normalised x and ⟨·⟩ the mean over H, W:
 * u = −r·(dy·⟨g x̂⟩ + ⟨dy x̂⟩·g), and the result is
 * −r²·x̂·(⟨g dy⟩ − ⟨g⟩⟨dy⟩ − ⟨dy x̂⟩⟨g x̂⟩) + r·(u − ⟨u⟩ − x̂·⟨u x̂⟩).
 * (Autodiff cannot be nested inside a gradient function in tfjs, hence the closed form.)
 */
export function instanceNormGradGradX(x: tf.Tensor, dy: tf.Tensor, g: tf.Tensor, eps: number): tf.Tensor {
  const { xhat, rstd } = standardize(x, eps);
  const avg = (t: tf.Tensor) => tf.mean(t, [1, 2], true);
  const meanGXhat = avg(tf.mul(g, xhat));
  const meanDyXhat = avg(tf.mul(dy, xhat));
  const u = tf.mul(tf.neg(rstd), tf.add(tf.mul(dy, meanGXhat), tf.mul(meanDyXhat, g)));
  const covariance = tf.sub(tf.sub(avg(tf.mul(g, dy)), tf.mul(avg(g), avg(dy))), tf.mul(meanDyXhat, meanGXhat));
  const viaRstd = tf.mul(tf.neg(tf.square(rstd)), tf.mul(xhat, covariance));
  const viaXhat = tf.mul(rstd, tf.sub(tf.sub(u, avg(u)), tf.mul(xhat, avg(tf.mul(u, xhat)))));
  return tf.add(viaRstd, viaXhat);
}

/**
 * Second order: the fused gradient is linear in dy with the (symmetric) normalisation Jacobian, so
 * its dy-gradient is the same kernel applied to the incoming gradient; its x-gradient is
 * {@link instanceNormGradGradX} (which recomputes the statistics from x, so mean and rstd get none).
 */
function instanceNormGradGrad(kernelName: string, relu: boolean): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: relu ? ['x', 'dy', 'mean', 'rstd', 'y'] : ['x', 'dy', 'mean', 'rstd'],
    gradFunc: (ddx, saved, attrs) => {
      const [x, dy, mean, rstd, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const eps = (attrs as unknown as { eps: number }).eps;
      const g = ddx as tf.Tensor;
      // A fused ReLU's mask is piecewise constant: it scales dy and has no derivative of its own.
      const mask = y ? tf.step(y) : undefined;
      const grads: Record<string, () => tf.Tensor> = {
        x: () => instanceNormGradGradX(x, mask ? tf.mul(dy, mask) : dy, g, eps),
        dy: () => {
          const jg = tf.engine().runKernel(FUSED.instanceNormGrad, { x, dy: g, mean, rstd }, attrs) as tf.Tensor;
          return mask ? tf.mul(jg, mask) : jg;
        },
        mean: () => tf.zerosLike(mean),
        rstd: () => tf.zerosLike(rstd),
      };
      if (y) grads['y'] = () => tf.zerosLike(y);
      return grads;
    },
  };
}

/** The fold is linear; its adjoint is the mirror pad itself. */
const mirrorPadGradGrad: tf.GradConfig = {
  kernelName: FUSED.mirrorPadGrad,
  inputsToSave: [],
  gradFunc: (ddx, _saved, attrs) => {
    const { paddings, mode } = attrs as unknown as { paddings: Array<[number, number]>; mode: 'reflect' | 'symmetric' };
    return { dy: () => tf.mirrorPad(ddx as tf.Tensor, paddings, mode) };
  },
};

/** Gradient configs of the fused kernels (global; registered with them). */
export const FUSED_GRADIENTS: readonly tf.GradConfig[] = [
  instanceNormGrad,
  instanceNormReluGrad,
  instanceNormGradGrad(FUSED.instanceNormGrad, false),
  instanceNormGradGrad(FUSED.instanceNormReluGrad, true),
  mirrorPadGradGrad,
];
