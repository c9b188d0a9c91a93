/** SPADE's building blocks: norm strings, the SPADE layer and residual block, the VGG loss. */
export * from './norm_config.js';
export { normalizedConv } from './normalized_conv.js';
export { SPADE, SPADE_HIDDEN, type SpadeInput, type SpadeOptions } from './spade.js';
export { SPADEResnetBlock, type SpadeResnetBlockOptions } from './spade_resblock.js';
export { VGGLoss, SPADE_VGG_LAYERS, SPADE_VGG_WEIGHTS } from './vgg_loss.js';
