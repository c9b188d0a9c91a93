export * from './norm_layer.js';
export * from './resnet.js';
export * from './unet.js';
export * from './discriminators.js';
export * from './registry.js';
export { initNetwork } from './init_network.js';
export { assertInputSize } from './input_size.js';
export * from './from_options.js';
