/**
 * `@translate/core/networks`: the generators and discriminators and the options-driven builders,
 * with no Node-only imports (safe for browsers). `identifyNetwork`, which reads checkpoints and the
 * plugin registry, stays in the main entry.
 */
export * from '../networks/norm_layer.js';
export * from '../networks/resnet.js';
export * from '../networks/unet.js';
export * from '../networks/discriminators.js';
export * from '../networks/registry.js';
export { initNetwork } from '../networks/init_network.js';
export { assertInputSize } from '../networks/input_size.js';
export * from '../networks/from_options.js';
export { stateDictMismatch } from '../networks/state_match.js';
