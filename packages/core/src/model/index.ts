export * from './plugin.js';
export * from './base_model.js';
export * from './test_model.js';
