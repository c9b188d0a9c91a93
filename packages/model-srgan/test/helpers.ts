/** Tiny SRGAN options, a seeded random VGG19 saved to a temporary file, and LR/HR batches. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vgg19Features, seedEverything, tf, writeSafetensors, type Options } from '@translate/core';

/** A temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'srgan-'));
}

/** A seeded random VGG19 written as safetensors (tests only: real training refuses to run without real weights). */
export function randomVggFile(seed = 3): string {
  seedEverything(seed);
  const vgg = new Vgg19Features();
  const path = join(tempDir(), 'vgg19_random.safetensors');
  writeFileSync(path, writeSafetensors(vgg.stateDict()));
  vgg.dispose();
  return path;
}

/** Training options of a tiny srgan (ngf/ndf 4, one residual block, ×4). */
export function tinyOptions(extra: Options = {}): Options {
  return {
    model: 'srgan',
    input_nc: 3,
    output_nc: 3,
    ngf: 4,
    ndf: 4,
    scale: 4,
    n_blocks: 1,
    lr: 1e-4,
    beta1: 0.9,
    gan_mode: 'vanilla',
    pretrained_G: '',
    continue_train: false,
    lambda_mse: 1,
    lambda_vgg: 0.006,
    lambda_adv: 0.001,
    vgg_layer: 'relu2_2',
    vgg_weights: '',
    target_real: 'uniform(0.7,1.2)',
    target_fake: 'uniform(0,0.3)',
    no_label_noise: false,
    tile: 0,
    tile_overlap: -1,
    trunk_end: 'bn',
    ...extra,
  };
}

/** A random LR/HR pair in [-1, 1] (HR is `scale`× LR). */
export function randomBatch(
  n: number,
  lrSide: number,
  scale: number,
  seed = 1,
): { A: tf.Tensor4D; B: tf.Tensor4D; A_paths: string[]; B_paths: string[] } {
  const paths = Array.from({ length: n }, (_, i) => `img${i}.png`);
  return {
    A: tf.randomUniform([n, lrSide, lrSide, 3], -1, 1, 'float32', seed) as tf.Tensor4D,
    B: tf.randomUniform([n, lrSide * scale, lrSide * scale, 3], -1, 1, 'float32', seed + 1) as tf.Tensor4D,
    A_paths: paths,
    B_paths: paths,
  };
}
