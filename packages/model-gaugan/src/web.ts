/**
 * `@translate/model-gaugan/web`: GauGAN's generators and label palette without the training side
 * (datasets, losses, discriminators), for the browser build.
 */
export {
  SPADEGenerator,
  latentSize,
  UPSAMPLING_LAYERS,
  type SpadeGeneratorOptions,
  type GeneratorInput,
  type UpsamplingLayers,
} from './generator.js';
export { Pix2PixHDGenerator, type Pix2PixHDOptions } from './pix2pixhd.js';
export { labelColormap } from './label_colormap.js';
