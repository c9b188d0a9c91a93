/**
 * Image IO and pixel operations with the reference's numbers (PIL's decoding and bicubic resize):
 * what the datasets read, models such as GauGAN's `--style_image` load, and the CLI writes.
 */
export type { ImageArray, LabelMap, PixelData, RawImage } from './types.js';
export { decodeImage, probeImage, type ImageInfo } from './decode.js';
export { denormalizeImage, writeImage } from './encode.js';
export { D65_WHITE, RGB_FROM_XYZ, XYZ_FROM_RGB, rgbToLab } from './lab.js';
export {
  cropImage,
  flipHorizontal,
  flipVertical,
  normalizeImage,
  resizeNearest,
  sideBySide,
  toChannels,
  toEightBit,
  toLabelMap,
  transposeImage,
  type AlphaMode,
} from './ops.js';
export { resizeBicubic } from './resize.js';
