/** `nn.Dropout`: zeroes elements with probability p in training and scales the rest by 1/(1−p). */
import { tf } from '../tf.js';
import { Module, type ForwardContext } from './module.js';
import { globalRng } from '../random.js';

/** `nn.Dropout(p)`; masks come from the seeded global generator. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
  }

  override forward(x: tf.Tensor4D, ctx?: ForwardContext): tf.Tensor4D {
    const { training } = this.defaultContext(ctx);
    if (!training || this.p === 0) return x;
    return tf.dropout(x, this.p, undefined, globalRng().nextSeed()) as tf.Tensor4D;
  }
}
