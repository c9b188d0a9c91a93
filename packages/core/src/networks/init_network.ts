/** The reference's `init_weights(net, init_type, init_gain)` applied to a whole module tree. */
import { tf } from '../tf.js';
import type { Module } from '../nn/module.js';
import { Conv2d, ConvTranspose2d } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';
import { BatchNorm2d } from '../nn/norm.js';
import { initWeightTorchLayout, normalTensor } from '../nn/init.js';
import { fromTorchLayout, torchShapeFor, type ParamLayout } from '../interop/layout.js';

/**
 * Conv, ConvTranspose and Linear weights get `initType` (normal N(0, gain), xavier, kaiming,
 * orthogonal), their biases 0; BatchNorm weights N(1, gain), biases 0. Other layers keep their values.
 */
export function initNetwork(net: Module<any, any>, initType: string, initGain: number): void {
  for (const module of descendants(net)) {
    if (module instanceof Conv2d || module instanceof ConvTranspose2d || module instanceof Linear) {
      const layout: ParamLayout = module instanceof Conv2d ? 'conv' : module instanceof Linear ? 'linear' : 'convTranspose';
      const torchShape = torchShapeFor(module.weight.shape, layout);
      const data = initWeightTorchLayout(torchShape, initType, initGain);
      const ours = fromTorchLayout({ dtype: 'F32', shape: torchShape, data }, layout);
      tf.tidy(() => {
        module.weight.assign(tf.tensor(ours.data, ours.shape));
        module.bias?.assign(tf.zerosLike(module.bias));
      });
    } else if (module instanceof BatchNorm2d) {
      tf.tidy(() => {
        for (const [key, entry] of module.namedEntries()) {
          if (key === 'weight') entry.variable.assign(normalTensor(entry.variable.shape, 1, initGain));
          if (key === 'bias') entry.variable.assign(tf.zerosLike(entry.variable));
        }
      });
    }
  }
}

function* descendants(module: Module<any, any>): Generator<Module<any, any>> {
  yield module;
  for (const [, child] of module.namedChildren()) yield* descendants(child);
}
