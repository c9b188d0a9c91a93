/** Shared SPADE (GauGAN) pieces: norm strings, the SPADE layer and residual block, VGG loss and weights. */
export * from './norm_config.js';
export { normalizedConv } from './normalized_conv.js';
export { SPADE, SPADE_HIDDEN, type SpadeInput, type SpadeOptions } from './spade.js';
export { SPADEResnetBlock, type SpadeResnetBlockOptions } from './spade_resblock.js';
export { VGGLoss, SPADE_VGG_LAYERS, SPADE_VGG_WEIGHTS } from './vgg_loss.js';
export { VGG19_URL, convertVgg19Weights, defaultVgg19Weights, loadVgg19, sha256PrefixOfUrl, translateCacheDir, vgg19CachePath } from './vgg_weights.js';
