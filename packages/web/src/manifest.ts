/** The export manifest: what `translate export --format web` writes and the page reads. */

/** The manifest's `format` field. */
export const MANIFEST_FORMAT = 'translate-web';

/** The manifest layout version this package reads and writes. */
export const MANIFEST_VERSION = 1;

/** The global a weight shard or wasm script calls: `translateAsset(fileName, base64)`. */
export const ASSET_GLOBAL = 'translateAsset';

/** The generator classes the browser build can construct (each keeps its constructor options as `options`). */
export const GENERATOR_CLASSES = ['ResnetGenerator', 'UnetGenerator', 'SPADEGenerator', 'Pix2PixHDGenerator', 'SRResNetGenerator'] as const;

/** One of {@link GENERATOR_CLASSES}. */
export type GeneratorClass = (typeof GENERATOR_CLASSES)[number];

/** One stored tensor: a run of `bytes` bytes at `offset` in the concatenated shards. */
export interface TensorEntry {
  key: string;
  dtype: 'F32' | 'F16' | 'I64';
  shape: number[];
  offset: number;
  bytes: number;
}

/** One exported generator. */
export interface NetworkEntry {
  /** The model's network name: `G`, `G_A`, `G_B`. */
  name: string;
  /** What the page calls it, e.g. `A → B`. */
  label: string;
  class: GeneratorClass;
  /** The class's constructor options as the trained module has them. */
  options: Record<string, unknown>;
  /** Train-mode behaviour at inference (batch statistics), as `translate test` runs it. */
  training: boolean;
  preprocessing: Preprocessing;
  tensors: TensorEntry[];
}

/** One weight shard: a `<script>` that registers base64 bytes under its file name. */
export interface ShardEntry {
  file: string;
  bytes: number;
}

/** What the page feeds the network and how it runs large images. */
export interface Preprocessing {
  /** `image`: an RGB/gray photo; `labels`: a GauGAN label map (one-hot classes). */
  input: 'image' | 'labels';
  /** Value range the network takes and gives: `tanh` is [-1, 1], `unit` is [0, 1]. */
  range: 'tanh' | 'unit';
  inputChannels: number;
  outputChannels: number;
  /** Output pixels per input pixel (SRGAN's ×2/×4/×8; 1 otherwise). */
  scale: number;
  /** Input sides are padded up to a multiple of this. */
  sizeMultiple: number;
  /** A fixed input size [height, width] (GauGAN, U-Net tiles), or null for any size. */
  fixedSize: [number, number] | null;
  /** Tile side in input pixels (0: never tile) and the overlap of neighbouring tiles. */
  tile: number;
  overlap: number;
}

/** GauGAN's label classes: the count the network takes and their colours. */
export interface LabelPalette {
  /** label_nc + contain_dontcare_label: one-hot channels (an instance-edge channel follows unless noInstance). */
  classes: number;
  noInstance: boolean;
  colors: Array<[number, number, number]>;
}

/** The whole manifest (`manifest.json`, and inlined in `index.html` for file://). */
export interface WebManifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  /** The run's name and model plugin. */
  name: string;
  model: string;
  /** The architecture options of the checkpoint (for display and tools). */
  architecture: Record<string, string | number | boolean>;
  palette: LabelPalette | null;
  networks: NetworkEntry[];
  shards: ShardEntry[];
}
