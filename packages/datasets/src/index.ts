/**
 * @translate/datasets — dataset modes (aligned, unaligned, single, super_resolution, and the
 * label-map modes segmentation, coco, ade20k, cityscapes, custom, facades),
 * reference-exact preprocessing, sharp image IO, seeded batching with prefetch, sample-set builders,
 * A|B pairing of image folders, downloads and dataset checks.
 */
export { DatasetError, ImageDecodeError, DownloadError } from './errors.js';
export { deriveRng, shuffleInPlace, type Rng } from './rng.js';
export type { ImageArray, LabelMap, RawImage, PixelData } from './image/types.js';
export { IMAGE_EXTENSIONS, isImageFile, listImages } from './image/discover.js';
export { decodeImage, probeImage, type ImageInfo } from './image/decode.js';
export { cropImage, flipHorizontal, normalizeImage, resizeNearest, toChannels, toLabelMap, type AlphaMode } from './image/ops.js';
export { resizeBicubic } from './image/resize.js';
export { D65_WHITE, RGB_FROM_XYZ, XYZ_FROM_RGB, rgbToLab } from './image/lab.js';
export { PREPROCESS_MODES, getParams, preprocess, roundHalfEven, type PreprocessMode, type PreprocessOptions, type TransformParams } from './transform/preprocess.js';
export { DATA_OPTIONS, withDefaults, type DataOptions } from './options.js';
export {
  createDataset,
  datasetModeNames,
  getDatasetMode,
  labelMapModeNames,
  registerDatasetMode,
  consoleContext,
  type Dataset,
  type DatasetContext,
  type DatasetMode,
  type DatasetSource,
  type Sample,
} from './dataset.js';
export { SEGMENTATION_OPTIONS, type SegmentationOptions } from './modes/segmentation.js';
export { SUPER_RESOLUTION_OPTIONS, type SuperResolutionOptions } from './modes/super_resolution.js';
export { createLoader, type Batch, type Loader, type LoaderOptions } from './loader.js';
export { instanceEdges, labelOneHot, semanticChannels, semanticInput, type SemanticOptions } from './semantics.js';
export { writeImage, denormalizeImage } from './image/encode.js';
export { checkDataset, formatCheckReport, type CheckReport } from './check.js';
export { MAKE_KINDS, type MakeKind, type MakeKindOptions } from './make/index.js';
export { sobelEdges, cannyEdges } from './make/edges.js';
export { combineAB, COMBINE_JPEG_QUALITY, type CombineOptions, type CombineSplit } from './pairs/combine.js';
export { makeAligned, MAKE_ALIGNED_JPEG_QUALITY, MAKE_ALIGNED_SPLITS, type MakeAlignedOptions } from './pairs/make_aligned.js';
export { CATALOG, CITYSCAPES_REFUSAL, findEntry, type CatalogEntry } from './download/catalog.js';
export { downloadEntry, type DownloadOptions, type DownloadResult } from './download/download.js';
export { downloadFile, sha256File, type ProgressListener } from './download/fetch.js';
export { extractTarGz, extractZip } from './download/extract.js';
