/** `@translate/core/nn`: the PyTorch-like modules and layers, with no Node-only imports (safe for browsers). */
export * from '../nn/index.js';
