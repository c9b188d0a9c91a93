/**
 * pytorch-fid's FID Inception-v3 (the TensorFlow 2015-12-05 graph ported to PyTorch), up to the
 * 2048-dimensional pool3 features, with torchvision's module names so that
 * `pt_inception-2015-12-05-6726825d.pth` loads by key (its `fc.*` classifier keys are ignored).
 */
import { tf } from '../../tf.js';
import { Module } from '../../nn/module.js';
import type { RawStateDict } from '../../interop/raw_tensor.js';
import { BasicConv2d, maxPool3x3Stride2 } from './basic_conv.js';
import { InceptionA, InceptionB, InceptionC, InceptionD, InceptionE } from './blocks.js';

/** Length of the pool3 feature vector. */
export const INCEPTION_FEATURE_DIM = 2048;

/** Input side length the network is evaluated at. */
export const INCEPTION_INPUT_SIZE = 299;

/** The FID network: NHWC input already resized to 299² and scaled to [−1, 1] → [N, 2048] pool3 features. */
export class FidInceptionV3 extends Module<tf.Tensor4D, tf.Tensor2D> {
  private readonly stem: BasicConv2d[];
  private readonly mixed: Array<Module<tf.Tensor4D, tf.Tensor4D>>;

  constructor() {
    super();
    const conv = (name: string, m: BasicConv2d) => this.addModule(name, m);
    this.stem = [
      conv('Conv2d_1a_3x3', new BasicConv2d(3, 32, 3, { stride: 2 })),
      conv('Conv2d_2a_3x3', new BasicConv2d(32, 32, 3)),
      conv('Conv2d_2b_3x3', new BasicConv2d(32, 64, 3, { padding: 1 })),
      conv('Conv2d_3b_1x1', new BasicConv2d(64, 80, 1)),
      conv('Conv2d_4a_3x3', new BasicConv2d(80, 192, 3)),
    ];
    this.mixed = [
      this.addModule('Mixed_5b', new InceptionA(192, 32)),
      this.addModule('Mixed_5c', new InceptionA(256, 64)),
      this.addModule('Mixed_5d', new InceptionA(288, 64)),
      this.addModule('Mixed_6a', new InceptionB(288)),
      this.addModule('Mixed_6b', new InceptionC(768, 128)),
      this.addModule('Mixed_6c', new InceptionC(768, 160)),
      this.addModule('Mixed_6d', new InceptionC(768, 160)),
      this.addModule('Mixed_6e', new InceptionC(768, 192)),
      this.addModule('Mixed_7a', new InceptionD(768)),
      this.addModule('Mixed_7b', new InceptionE(1280, 'average')),
      this.addModule('Mixed_7c', new InceptionE(2048, 'max')),
    ];
    this.eval();
  }

  override forward(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const [c1a, c2a, c2b, c3b, c4a] = this.stem as [BasicConv2d, BasicConv2d, BasicConv2d, BasicConv2d, BasicConv2d];
      let h = maxPool3x3Stride2(c2b.forward(c2a.forward(c1a.forward(x))));
      h = maxPool3x3Stride2(c4a.forward(c3b.forward(h)));
      for (const block of this.mixed) h = block.forward(h);
      return tf.mean(h, [1, 2]) as tf.Tensor2D;
    });
  }

  /** Loads a state dict of pytorch-fid's file (or one with the same keys), ignoring the classifier (`fc.*`). */
  loadPublishedState(state: RawStateDict, source: string): void {
    this.loadStateDict(new Map([...state].filter(([k]) => !k.startsWith('fc.'))), { source });
  }
}
