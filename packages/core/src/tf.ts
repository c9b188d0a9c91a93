/**
 * The one TensorFlow.js entry point of translate. Every module imports `tf` from here so that all
 * code shares one tfjs-core engine (the optional tfjs-node backends register into the same one).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Rank, Variable, NamedTensorMap } from '@tensorflow/tfjs-core';
