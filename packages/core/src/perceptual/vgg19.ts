/**
 * The VGG19 feature extractor of perceptual losses, with torchvision's `vgg19().features` layout
 * and keys (`features.0.weight` …), so torchvision's ImageNet weights (`vgg19-dcbb9e9d.pth`) load
 * through the interop layer. It is used frozen (eval mode, never given to an optimizer).
 */
import { existsSync, readFileSync } from 'node:fs';
import { tf } from '../tf.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { Conv2d } from '../nn/conv.js';
import { ReLU } from '../nn/activation.js';
import { MaxPool2d } from '../nn/resample.js';
import { readPth } from '../interop/pth.js';
import { readSafetensors } from '../interop/safetensors.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import { OptionError, TranslateError, unknownNameMessage } from '../errors.js';

/** torchvision's configuration 'E' (VGG19): channel counts, 'M' = 2×2 max pool. */
const CONFIG: ReadonlyArray<number | 'M'> = [
  64,
  64,
  'M',
  128,
  128,
  'M',
  256,
  256,
  256,
  256,
  'M',
  512,
  512,
  512,
  512,
  'M',
  512,
  512,
  512,
  512,
  'M',
];

/** Index in `features` of every ReLU by its conventional name (`relu1_1` … `relu5_4`). */
export const VGG19_LAYERS: Readonly<Record<string, number>> = (() => {
  const names: Record<string, number> = {};
  let [block, conv, index] = [1, 0, 0];
  for (const item of CONFIG) {
    if (item === 'M') {
      [block, conv, index] = [block + 1, 0, index + 1];
      continue;
    }
    conv++;
    names[`relu${block}_${conv}`] = index + 1;
    index += 2;
  }
  return names;
})();

/** torchvision's ImageNet normalisation, applied to [0, 1] RGB when asked. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
/** See `IMAGENET_MEAN`. */
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** torchvision's `vgg19().features` (conv 3×3 + ReLU blocks and max pools), eval only. */
export class Vgg19Features extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly features: Sequential;

  constructor() {
    super();
    const layers: Module[] = [];
    let channels = 3;
    for (const item of CONFIG) {
      if (item === 'M') {
        layers.push(new MaxPool2d(2, 2));
        continue;
      }
      layers.push(new Conv2d({ inChannels: channels, outChannels: item, kernelSize: 3, padding: 1 }), new ReLU());
      channels = item;
    }
    this.features = this.addModule('features', new Sequential(layers));
    this.eval();
  }

  /** Output of the whole feature stack. */
  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.features.forward(x);
  }

  /** The activations after the named ReLUs (e.g. `['relu1_1', 'relu5_1']`), computing only as deep as needed. */
  layerOutputs(x: tf.Tensor4D, names: readonly string[]): tf.Tensor4D[] {
    const indices = names.map((n) => {
      const i = VGG19_LAYERS[n];
      if (i === undefined) throw new OptionError(unknownNameMessage('VGG19 layer', n, Object.keys(VGG19_LAYERS)));
      return i;
    });
    const deepest = Math.max(...indices);
    const outputs = new Map<number, tf.Tensor4D>();
    let h = x;
    for (let i = 0; i <= deepest; i++) {
      h = this.features.at(i).forward(h);
      if (indices.includes(i)) outputs.set(i, h);
    }
    return indices.map((i) => outputs.get(i)!);
  }

  /** Loads weights from torchvision's `.pth` or a safetensors file (the `classifier.*` keys are ignored). */
  loadWeightsFile(path: string): void {
    if (!existsSync(path)) throw new TranslateError(`VGG19 weights file ${path} does not exist. ${HOW_TO_GET_VGG}`);
    const bytes = new Uint8Array(readFileSync(path));
    const all = path.endsWith('.safetensors') ? readSafetensors(bytes, path).tensors : readPth(bytes, path).tensors;
    const features: RawStateDict = new Map([...all].filter(([k]) => k.startsWith('features.')));
    this.loadStateDict(features, { source: path });
  }
}

/** What to tell a user who has no VGG19 weights. */
export const HOW_TO_GET_VGG =
  "Get them with `translate weights fetch vgg19` (on a machine with internet; it verifies and caches torchvision's vgg19-dcbb9e9d.pth), " +
  'or pass a file with --vgg_weights, or turn the perceptual loss off (--no_vgg_loss for gaugan, --lambda_vgg 0 for srgan).';

/** Normalises [0, 1] RGB with ImageNet statistics (torchvision's pretrained convention). */
export function imagenetNormalize(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d([...IMAGENET_MEAN])), tf.tensor1d([...IMAGENET_STD])));
}
