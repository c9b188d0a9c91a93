export * from './plugin.js';
export * from './base_model.js';
export * from './test_model.js';
export * from './gan_regularizers.js';
export * from './plugin_package.js';
