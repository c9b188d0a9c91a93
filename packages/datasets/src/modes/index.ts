/** The dataset modes that ship with translate. */
import type { DatasetMode } from '../dataset.js';
import { alignedMode } from './aligned.js';
import { segmentationMode } from './segmentation.js';
import { singleMode } from './single.js';
import { superResolutionMode } from './super_resolution.js';
import { unalignedMode } from './unaligned.js';

/** Built-in modes, registered from the start. */
export const BUILTIN_MODES: readonly DatasetMode[] = [alignedMode, unalignedMode, singleMode, segmentationMode, superResolutionMode];
