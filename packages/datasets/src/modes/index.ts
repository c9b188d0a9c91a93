/** The dataset modes that ship with translate. */
import type { DatasetMode } from '../dataset.js';
import { ade20kMode } from './ade20k.js';
import { alignedMode } from './aligned.js';
import { cityscapesMode } from './cityscapes.js';
import { cocoMode } from './coco.js';
import { colorizationMode } from './colorization.js';
import { customMode } from './custom.js';
import { facadesMode } from './facades.js';
import { segmentationMode } from './segmentation.js';
import { singleMode } from './single.js';
import { superResolutionMode } from './super_resolution.js';
import { unalignedMode } from './unaligned.js';

/** Built-in modes, registered from the start. */
export const BUILTIN_MODES: readonly DatasetMode[] = [
  alignedMode,
  unalignedMode,
  singleMode,
  segmentationMode,
  cocoMode,
  ade20kMode,
  cityscapesMode,
  customMode,
  facadesMode,
  superResolutionMode,
  colorizationMode,
];
