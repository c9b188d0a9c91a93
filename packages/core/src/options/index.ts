/** Option schemas, resolution (defaults → model → dataset → config → command line) and printing. */
export * from './schema.js';
export * from './base_options.js';
export * from './resolve.js';
export * from './format.js';
