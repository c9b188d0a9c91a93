/**
 * Spectral normalisation state of one conv weight, as `torch.nn.utils.spectral_norm` keeps it:
 * `u` (out) and `v` (in·kH·kW, PyTorch's (in, kH, kW) order) buffers, one power iteration per
 * training forward, weight = weight_orig / σ with σ = uᵀ W v and gradients through W only.
 */
import { tf } from '../tf.js';

const EPS = 1e-12;

/** Power-iteration state for one HWIO conv weight. */
export class SpectralNormState {
  constructor(
    private readonly weightOrig: tf.Variable,
    private readonly u: tf.Variable,
    private readonly v: tf.Variable,
  ) {}

  /** weight_orig / σ, HWIO. With `iterate` (training), first runs one power iteration and stores u, v. */
  normalizedWeight(iterate: boolean): tf.Tensor {
    const [kh, kw, cin, cout] = this.weightOrig.shape as [number, number, number, number];
    if (iterate) {
      tf.tidy(() => {
        const m = tf.reshape(this.weightOrig, [kh * kw * cin, cout]);
        const newV = normalize(toTorchOrder(tf.matMul(m, tf.reshape(this.u, [cout, 1])), kh, kw, cin));
        const newU = normalize(tf.reshape(tf.matMul(tf.reshape(toOurOrder(newV, kh, kw, cin), [1, -1]), m), [cout]));
        this.v.assign(newV);
        this.u.assign(newU);
      });
    }
    return tf.tidy(() => {
      const m = tf.reshape(this.weightOrig, [kh * kw * cin, cout]);
      const wv = tf.reshape(tf.matMul(tf.reshape(toOurOrder(this.v, kh, kw, cin), [1, -1]), m), [cout]);
      const sigma = tf.sum(tf.mul(this.u, wv));
      return tf.div(this.weightOrig, sigma);
    });
  }
}

function normalize(x: tf.Tensor): tf.Tensor1D {
  return tf.div(x, tf.maximum(tf.norm(x), EPS)) as tf.Tensor1D;
}

/** A (kH, kW, in)-ordered vector → PyTorch's (in, kH, kW) order. */
function toTorchOrder(x: tf.Tensor, kh: number, kw: number, cin: number): tf.Tensor1D {
  return tf.reshape(tf.transpose(tf.reshape(x, [kh, kw, cin]), [2, 0, 1]), [-1]);
}

/** A PyTorch (in, kH, kW)-ordered vector → our (kH, kW, in) order. */
function toOurOrder(x: tf.Tensor, kh: number, kw: number, cin: number): tf.Tensor1D {
  return tf.reshape(tf.transpose(tf.reshape(x, [cin, kh, kw]), [1, 2, 0]), [-1]);
}
