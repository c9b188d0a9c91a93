/** TensorFlow.js (`@tensorflow/tfjs-core`), the one engine every translate module and plugin shares. */
export { tf } from './tf.js';
export * from './errors.js';
export * from './suggest.js';
export * from './random.js';
export * from './backend/index.js';
export * from './interop/index.js';
export * from './nn/index.js';
export * from './networks/index.js';
export * from './optim/index.js';
export * from './losses/index.js';
export * from './options/index.js';
export * from './model/index.js';
export * from './train/image_pool.js';
export * from './train/schedulers.js';
export * from './engine/index.js';
export * from './perceptual/index.js';
export * from './metrics/index.js';
