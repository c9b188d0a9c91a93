/**
 * The Inception-v3 mixed blocks with torchvision's module names (`branch1x1`, `branch5x5_1` …), as
 * pytorch-fid's FID network patches them: A, C and E₁ average-pool without counting padding, E₂
 * max-pools (the TensorFlow graph's quirk).
 */
import { tf } from '../../tf.js';
import { Module } from '../../nn/module.js';
import { BasicConv2d, averagePool3x3, concatChannels, maxPool3x3Same, maxPool3x3Stride2 } from './basic_conv.js';

/** `FIDInceptionA(in_channels, pool_features)` (Mixed_5b/c/d). */
export class InceptionA extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly c: Record<string, BasicConv2d>;

  constructor(inChannels: number, poolFeatures: number) {
    super();
    this.c = {
      branch1x1: this.addModule('branch1x1', new BasicConv2d(inChannels, 64, 1)),
      branch5x5_1: this.addModule('branch5x5_1', new BasicConv2d(inChannels, 48, 1)),
      branch5x5_2: this.addModule('branch5x5_2', new BasicConv2d(48, 64, 5, { padding: 2 })),
      branch3x3dbl_1: this.addModule('branch3x3dbl_1', new BasicConv2d(inChannels, 64, 1)),
      branch3x3dbl_2: this.addModule('branch3x3dbl_2', new BasicConv2d(64, 96, 3, { padding: 1 })),
      branch3x3dbl_3: this.addModule('branch3x3dbl_3', new BasicConv2d(96, 96, 3, { padding: 1 })),
      branch_pool: this.addModule('branch_pool', new BasicConv2d(inChannels, poolFeatures, 1)),
    };
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    const c = this.c;
    return tf.tidy(() =>
      concatChannels([
        c.branch1x1!.forward(x),
        c.branch5x5_2!.forward(c.branch5x5_1!.forward(x)),
        c.branch3x3dbl_3!.forward(c.branch3x3dbl_2!.forward(c.branch3x3dbl_1!.forward(x))),
        c.branch_pool!.forward(averagePool3x3.forward(x)),
      ]),
    );
  }
}

/** `InceptionB(in_channels)` (Mixed_6a): grid reduction 35 → 17. */
export class InceptionB extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly c: Record<string, BasicConv2d>;

  constructor(inChannels: number) {
    super();
    this.c = {
      branch3x3: this.addModule('branch3x3', new BasicConv2d(inChannels, 384, 3, { stride: 2 })),
      branch3x3dbl_1: this.addModule('branch3x3dbl_1', new BasicConv2d(inChannels, 64, 1)),
      branch3x3dbl_2: this.addModule('branch3x3dbl_2', new BasicConv2d(64, 96, 3, { padding: 1 })),
      branch3x3dbl_3: this.addModule('branch3x3dbl_3', new BasicConv2d(96, 96, 3, { stride: 2 })),
    };
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    const c = this.c;
    return tf.tidy(() =>
      concatChannels([
        c.branch3x3!.forward(x),
        c.branch3x3dbl_3!.forward(c.branch3x3dbl_2!.forward(c.branch3x3dbl_1!.forward(x))),
        maxPool3x3Stride2(x),
      ]),
    );
  }
}

/** `FIDInceptionC(in_channels, channels_7x7)` (Mixed_6b–6e): factorised 7×7 convolutions. */
export class InceptionC extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly c: Record<string, BasicConv2d>;

  constructor(inChannels: number, channels7x7: number) {
    super();
    const c7 = channels7x7;
    const row = { padding: [0, 3] as [number, number] };
    const col = { padding: [3, 0] as [number, number] };
    this.c = {
      branch1x1: this.addModule('branch1x1', new BasicConv2d(inChannels, 192, 1)),
      branch7x7_1: this.addModule('branch7x7_1', new BasicConv2d(inChannels, c7, 1)),
      branch7x7_2: this.addModule('branch7x7_2', new BasicConv2d(c7, c7, [1, 7], row)),
      branch7x7_3: this.addModule('branch7x7_3', new BasicConv2d(c7, 192, [7, 1], col)),
      branch7x7dbl_1: this.addModule('branch7x7dbl_1', new BasicConv2d(inChannels, c7, 1)),
      branch7x7dbl_2: this.addModule('branch7x7dbl_2', new BasicConv2d(c7, c7, [7, 1], col)),
      branch7x7dbl_3: this.addModule('branch7x7dbl_3', new BasicConv2d(c7, c7, [1, 7], row)),
      branch7x7dbl_4: this.addModule('branch7x7dbl_4', new BasicConv2d(c7, c7, [7, 1], col)),
      branch7x7dbl_5: this.addModule('branch7x7dbl_5', new BasicConv2d(c7, 192, [1, 7], row)),
      branch_pool: this.addModule('branch_pool', new BasicConv2d(inChannels, 192, 1)),
    };
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    const c = this.c;
    return tf.tidy(() => {
      let dbl = x;
      for (let i = 1; i <= 5; i++) dbl = c[`branch7x7dbl_${i}`]!.forward(dbl);
      return concatChannels([
        c.branch1x1!.forward(x),
        c.branch7x7_3!.forward(c.branch7x7_2!.forward(c.branch7x7_1!.forward(x))),
        dbl,
        c.branch_pool!.forward(averagePool3x3.forward(x)),
      ]);
    });
  }
}

/** `InceptionD(in_channels)` (Mixed_7a): grid reduction 17 → 8. */
export class InceptionD extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly c: Record<string, BasicConv2d>;

  constructor(inChannels: number) {
    super();
    this.c = {
      branch3x3_1: this.addModule('branch3x3_1', new BasicConv2d(inChannels, 192, 1)),
      branch3x3_2: this.addModule('branch3x3_2', new BasicConv2d(192, 320, 3, { stride: 2 })),
      branch7x7x3_1: this.addModule('branch7x7x3_1', new BasicConv2d(inChannels, 192, 1)),
      branch7x7x3_2: this.addModule('branch7x7x3_2', new BasicConv2d(192, 192, [1, 7], { padding: [0, 3] })),
      branch7x7x3_3: this.addModule('branch7x7x3_3', new BasicConv2d(192, 192, [7, 1], { padding: [3, 0] })),
      branch7x7x3_4: this.addModule('branch7x7x3_4', new BasicConv2d(192, 192, 3, { stride: 2 })),
    };
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    const c = this.c;
    return tf.tidy(() => {
      let b7 = x;
      for (let i = 1; i <= 4; i++) b7 = c[`branch7x7x3_${i}`]!.forward(b7);
      return concatChannels([c.branch3x3_2!.forward(c.branch3x3_1!.forward(x)), b7, maxPool3x3Stride2(x)]);
    });
  }
}

/** `FIDInceptionE_1` (Mixed_7b, average pool) or `FIDInceptionE_2` (Mixed_7c, max pool). */
export class InceptionE extends Module<tf.Tensor4D, tf.Tensor4D> {
  private readonly c: Record<string, BasicConv2d>;

  constructor(
    inChannels: number,
    private readonly pool: 'average' | 'max',
  ) {
    super();
    this.c = {
      branch1x1: this.addModule('branch1x1', new BasicConv2d(inChannels, 320, 1)),
      branch3x3_1: this.addModule('branch3x3_1', new BasicConv2d(inChannels, 384, 1)),
      branch3x3_2a: this.addModule('branch3x3_2a', new BasicConv2d(384, 384, [1, 3], { padding: [0, 1] })),
      branch3x3_2b: this.addModule('branch3x3_2b', new BasicConv2d(384, 384, [3, 1], { padding: [1, 0] })),
      branch3x3dbl_1: this.addModule('branch3x3dbl_1', new BasicConv2d(inChannels, 448, 1)),
      branch3x3dbl_2: this.addModule('branch3x3dbl_2', new BasicConv2d(448, 384, 3, { padding: 1 })),
      branch3x3dbl_3a: this.addModule('branch3x3dbl_3a', new BasicConv2d(384, 384, [1, 3], { padding: [0, 1] })),
      branch3x3dbl_3b: this.addModule('branch3x3dbl_3b', new BasicConv2d(384, 384, [3, 1], { padding: [1, 0] })),
      branch_pool: this.addModule('branch_pool', new BasicConv2d(inChannels, 192, 1)),
    };
  }

  override forward(x: tf.Tensor4D): tf.Tensor4D {
    const c = this.c;
    return tf.tidy(() => {
      const b3 = c.branch3x3_1!.forward(x);
      const dbl = c.branch3x3dbl_2!.forward(c.branch3x3dbl_1!.forward(x));
      const pooled = this.pool === 'max' ? maxPool3x3Same(x) : averagePool3x3.forward(x);
      return concatChannels([
        c.branch1x1!.forward(x),
        concatChannels([c.branch3x3_2a!.forward(b3), c.branch3x3_2b!.forward(b3)]),
        concatChannels([c.branch3x3dbl_3a!.forward(dbl), c.branch3x3dbl_3b!.forward(dbl)]),
        c.branch_pool!.forward(pooled),
      ]);
    });
  }
}
