/**
 * LPIPS v0.1 (Zhang et al. 2018, richzhang/PerceptualSimilarity): images in [−1, 1] go through
 * the ScalingLayer ((x − shift)/scale), torchvision's VGG16 or AlexNet `features` cut into five
 * slices; each slice's output is unit-normalised over channels (eps 1e-10), the squared
 * difference passes a 1×1 non-negative head (`linK.model.1.weight`), is averaged over space and
 * summed over the slices. Keys are those of `lpips.LPIPS(net=…).state_dict()` (`net.sliceK.i.*`,
 * `linK.model.1.weight`), so a saved LPIPS state dict loads as is.
 */
import { tf } from '../tf.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import { ReLU } from '../nn/activation.js';
import { MaxPool2d } from '../nn/resample.js';
import type { RawStateDict } from '../interop/raw_tensor.js';

/** The backbones LPIPS v0.1 publishes heads for. */
export type LpipsNet = 'vgg' | 'alex';

type Layer = ['conv', number, number, number, number, number] | ['relu'] | ['pool'];

const VGG16: Layer[] = (() => {
  const layers: Layer[] = [];
  let c = 3;
  for (const item of [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512] as const) {
    if (item === 'M') layers.push(['pool']);
    else {
      layers.push(['conv', c, item, 3, 1, 1], ['relu']);
      c = item;
    }
  }
  return layers;
})();

const ALEX: Layer[] = [
  ['conv', 3, 64, 11, 4, 2],
  ['relu'],
  ['pool'],
  ['conv', 64, 192, 5, 1, 2],
  ['relu'],
  ['pool'],
  ['conv', 192, 384, 3, 1, 1],
  ['relu'],
  ['conv', 384, 256, 3, 1, 1],
  ['relu'],
  ['conv', 256, 256, 3, 1, 1],
  ['relu'],
];

/** Per backbone: its `features` layers (up to the last ReLU used), the slice ends and the channels of each slice. */
const SPECS: Record<LpipsNet, { layers: Layer[]; sliceEnds: number[]; channels: number[] }> = {
  vgg: { layers: VGG16, sliceEnds: [4, 9, 16, 23, 30], channels: [64, 128, 256, 512, 512] },
  alex: { layers: ALEX, sliceEnds: [2, 5, 8, 10, 12], channels: [64, 192, 384, 256, 256] },
};

const SHIFT = [-0.03, -0.088, -0.188];
const SCALE = [0.458, 0.448, 0.45];

/** Children named by their index in torchvision's `features` (as LPIPS's slices keep them). */
class IndexedLayers extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly layers: Array<Module<tf.Tensor4D, tf.Tensor4D>> = [];

  constructor(entries: Array<[number, Module<tf.Tensor4D, tf.Tensor4D>]>) {
    super();
    for (const [index, layer] of entries) this.layers.push(this.addModule(String(index), layer));
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}

function buildLayer(layer: Layer, kind: LpipsNet): Module<tf.Tensor4D, tf.Tensor4D> {
  if (layer[0] === 'relu') return new ReLU();
  if (layer[0] === 'pool') return kind === 'vgg' ? new MaxPool2d(2, 2) : new MaxPool2d(3, 2);
  const [, inChannels, outChannels, kernelSize, stride, padding] = layer;
  return new Conv2d({ inChannels, outChannels, kernelSize, stride, padding });
}

/** The slices `net.slice1` … `net.slice5`. */
class LpipsBackbone extends Module<tf.Tensor4D, tf.Tensor4D[]> {
  private readonly slices: IndexedLayers[] = [];

  constructor(kind: LpipsNet) {
    super();
    const { layers, sliceEnds } = SPECS[kind];
    let start = 0;
    sliceEnds.forEach((end, k) => {
      const entries = layers.slice(start, end).map((l, i): [number, Module<tf.Tensor4D, tf.Tensor4D>] => [start + i, buildLayer(l, kind)]);
      this.slices.push(this.addModule(`slice${k + 1}`, new IndexedLayers(entries)));
      start = end;
    });
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D[] {
    const outputs: tf.Tensor4D[] = [];
    let h = x;
    for (const slice of this.slices) {
      h = slice.forward(h);
      outputs.push(h);
    }
    return outputs;
  }
}

/** `NetLinLayer`: `model.0` is a dropout (identity in eval), `model.1` the 1×1 head without bias. */
class LinearHead extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly model: IndexedLayers;

  constructor(channels: number) {
    super();
    this.model = this.addModule(
      'model',
      new IndexedLayers([[1, new Conv2d({ inChannels: channels, outChannels: 1, kernelSize: 1, bias: false })]]),
    );
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.model.forward(x);
  }
}

/** LPIPS distance network; `forward` is not used, call `distance`. */
export class Lpips extends Module<tf.Tensor4D, tf.Tensor4D[]> {
  private readonly net: LpipsBackbone;
  private readonly heads: LinearHead[];

  constructor(readonly kind: LpipsNet) {
    super();
    this.net = this.addModule('net', new LpipsBackbone(kind));
    this.heads = SPECS[kind].channels.map((c, k) => this.addModule(`lin${k}`, new LinearHead(c)));
    this.eval();
  }

  /** The five normalised slice outputs of NHWC images in [−1, 1]. */
  override forward(x: tf.Tensor4D): tf.Tensor4D[] {
    return tf.tidy(() => {
      const scaled = tf.div(tf.sub(x, tf.tensor1d(SHIFT)), tf.tensor1d(SCALE)) as tf.Tensor4D;
      return this.net.forward(scaled).map((f) => tf.div(f, tf.add(tf.sqrt(tf.sum(tf.square(f), 3, true)), 1e-10)) as tf.Tensor4D);
    });
  }

  /** LPIPS between same-sized NHWC batches in [−1, 1]: one value per pair. */
  distance(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => {
      const fa = this.forward(a);
      const fb = this.forward(b);
      const perLayer = this.heads.map((head, k) => tf.mean(head.forward(tf.square(tf.sub(fa[k]!, fb[k]!)) as tf.Tensor4D), [1, 2, 3]));
      return tf.addN(perLayer) as tf.Tensor1D;
    });
  }

  /** Loads an LPIPS state dict (the `scaling_layer.*` constants, if saved, are ignored: they are fixed). */
  loadPublishedState(state: RawStateDict, source: string): void {
    this.loadStateDict(new Map([...state].filter(([k]) => !k.startsWith('scaling_layer.'))), { source });
  }
}

/**
 * An LPIPS state dict from its two published parts: torchvision's backbone (`features.i.*`,
 * e.g. vgg16-397923af.pth) and the v0.1 heads (`linK.model.1.weight`, lpips/weights/v0.1/vgg.pth).
 */
export function lpipsStateFromParts(kind: LpipsNet, backbone: RawStateDict, heads: RawStateDict): RawStateDict {
  const { sliceEnds } = SPECS[kind];
  const state: RawStateDict = new Map();
  for (const [key, tensor] of backbone) {
    const match = /^features\.(\d+)\.(.+)$/.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const slice = sliceEnds.findIndex((end) => index < end);
    if (slice >= 0) state.set(`net.slice${slice + 1}.${index}.${match[2]}`, tensor);
  }
  for (const [key, tensor] of heads) if (/^lin\d\.model\.1\.weight$/.test(key)) state.set(key, tensor);
  return state;
}
