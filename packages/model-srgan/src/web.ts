/** `@translate/model-srgan/web`: the SRResNet generator without the training side, for the browser build. */
export { SRResNetGenerator, SCALES, TRUNK_ENDS, type SRResNetOptions, type TrunkEnd } from './generator.js';
