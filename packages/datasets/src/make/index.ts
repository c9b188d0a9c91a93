/** The kinds `translate datasets make <kind>` builds, by name. */
import { makeEdges2Photo } from './edges2photo.js';
import { makeMosaic } from './mosaic.js';
import { makePhoto2Gray } from './photo2gray.js';
import { makeSr } from './sr.js';
import type { MakeOptions } from './sources.js';

/** Options of `make`: the common ones plus each kind's extras. */
export interface MakeKindOptions extends MakeOptions {
  /** edges2photo: edge detector. */
  edges: 'sobel' | 'canny';
  /** mosaic: most classes (one per source photo). */
  classes: number;
}

/** A dataset kind that can be made from photos. */
export interface MakeKind {
  help: string;
  /** The dataset mode that reads the result. */
  datasetMode: string;
  build(o: MakeKindOptions): Promise<Record<string, number>>;
}

/** Every kind, by name. */
export const MAKE_KINDS: Readonly<Record<string, MakeKind>> = {
  edges2photo: { help: 'paired A|B images: edges (Sobel or Canny) | photo, for pix2pix', datasetMode: 'aligned', build: makeEdges2Photo },
  photo2gray: { help: 'unpaired colour (A) vs grayscale (B) crops, for CycleGAN', datasetMode: 'unaligned', build: makePhoto2Gray },
  mosaic: { help: 'label maps of textured regions + instance maps, for GauGAN', datasetMode: 'segmentation', build: makeMosaic },
  sr: { help: 'high-resolution crops, for SRGAN (low-res made on the fly)', datasetMode: 'super_resolution', build: makeSr },
};
