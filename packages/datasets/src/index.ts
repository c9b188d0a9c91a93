/**
 * @translate/datasets — dataset modes (aligned, unaligned, single, super_resolution, and the
 * label-map modes segmentation, coco, ade20k, cityscapes, custom, facades),
 * reference-exact preprocessing, sharp image IO, seeded batching with prefetch, sample-set builders,
 * A|B pairing of image folders, downloads and dataset checks.
 */
export { DatasetError, DownloadError } from './errors.js';
export { deriveRng, shuffleInPlace, type Rng } from './rng.js';
export { IMAGE_EXTENSIONS, isImageFile, listImages } from './image/discover.js';
export {
  PREPROCESS_MODES,
  getParams,
  preprocess,
  type PreprocessMode,
  type PreprocessOptions,
  type TransformParams,
} from './transform/preprocess.js';
export { DATA_OPTIONS, withDefaults, type DataOptions } from './options.js';
export {
  createDataset,
  datasetModeNames,
  getDatasetMode,
  DATASET_MODES,
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
export { createLoader, type LoadedBatch, type Loader, type LoaderOptions } from './loader.js';
export { openDataSource } from './data_source.js';
export { checkDataset, formatCheckReport, type CheckReport } from './check.js';
export { MAKE_KINDS, type MakeKind, type MakeKindOptions } from './make/index.js';
export { sobelEdges, cannyEdges } from './make/edges.js';
export { combineAB, COMBINE_JPEG_QUALITY, type CombineOptions, type CombineSplit } from './pairs/combine.js';
export { makeAligned, MAKE_ALIGNED_JPEG_QUALITY, MAKE_ALIGNED_SPLITS, type MakeAlignedOptions } from './pairs/make_aligned.js';
export { CATALOG, CITYSCAPES_REFUSAL, findEntry, type CatalogEntry } from './download/catalog.js';
export { downloadEntry, type DownloadOptions, type DownloadResult } from './download/download.js';
export { downloadFile, sha256File, type ProgressListener } from './download/fetch.js';
export { extractTarGz, extractZip } from './download/extract.js';
