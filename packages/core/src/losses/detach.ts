/**
 * Stop-gradient for tfjs (PyTorch's `detach`). tfjs has no such op; this makes a second tensor on
 * the same storage that the gradient tape has never seen.
 */
import { tf } from '../tf.js';

/**
 * A tensor with `x`'s values through which no gradient flows: it shares `x`'s storage (no copy,
 * as a backend's Identity kernel does) but is created outside the gradient tape, so a
 * `tf.grad`/`tf.variableGrads` over an expression using it treats it as a constant. The caller
 * owns it (dispose it like any tensor); `x` and the result can be disposed independently.
 */
export function detach<T extends tf.Tensor>(x: T): T {
  const engine = tf.engine();
  const backend = engine.state.tensorInfo.get(x.dataId)?.backend ?? engine.backend;
  backend.incRef(x.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, backend) as T;
}
