/** The perceptual networks: torchvision's VGG19 features and where its published weights are fetched, checked and cached. */
export * from './vgg19.js';
export {
  VGG19_URL,
  convertVgg19Weights,
  defaultVgg19Weights,
  loadVgg19,
  sha256PrefixOfUrl,
  translateCacheDir,
  vgg19CachePath,
} from './vgg_weights.js';
