/**
 * The history of generated images that CycleGAN's discriminators see (Shrivastava et al. 2017;
 * docs/reference.md §1.11): half of the time D judges an older fake instead of the newest one.
 */
import { tf } from '../tf.js';
import { OptionError } from '../errors.js';
import { detach } from '../losses/detach.js';
import { globalRng } from '../random.js';

/** One stored image as plain data (NHWC, batch 1), for checkpoints. */
export interface PooledImage {
  shape: number[];
  data: Float32Array;
}

/** `ImagePool(pool_size)`: stores up to `poolSize` detached images and returns a mix of new and stored ones. */
export class ImagePool {
  private images: tf.Tensor4D[] = [];

  constructor(readonly poolSize: number) {
    if (!(Number.isInteger(poolSize) && poolSize >= 0)) throw new Error(`ImagePool size must be a non-negative integer; got ${poolSize}.`);
  }

  /** Images stored now (at most `poolSize`). */
  get size(): number {
    return this.images.length;
  }

  /**
   * Per image of the NHWC batch, in order: while the pool is not full, store it and return it;
   * once full, with probability 1/2 (a draw p > 0.5 of the seeded global RNG) return a stored image
   * chosen by randint(0, poolSize − 1) and store the new one in its place, else return the new one.
   * With poolSize 0 the batch is returned as it is. The result is a new, detached tensor owned by
   * the caller; the pool keeps its own detached copies and never takes ownership of `images`.
   * As in the reference, each image is stored on its own, so images of mixed sizes (`--preprocess
   * none`) are fine at batch size 1; a larger batch fails, as the reference's `torch.cat` does,
   * when the images it would return differ in size.
   */
  query(images: tf.Tensor4D): tf.Tensor4D {
    if (this.poolSize === 0) return detach(images);
    const [n, h, w, c] = images.shape;
    const evicted: tf.Tensor4D[] = [];
    try {
      return tf.tidy(() => {
        const source = detach(images);
        const returned: tf.Tensor4D[] = [];
        for (let i = 0; i < n; i++) {
          const image = tf.keep(tf.slice(source, [i, 0, 0, 0], [1, h, w, c]));
          if (this.images.length < this.poolSize) {
            this.images.push(image);
            returned.push(image);
          } else if (globalRng().nextFloat() > 0.5) {
            const slot = globalRng().randint(0, this.poolSize - 1);
            returned.push(this.images[slot]!);
            evicted.push(this.images[slot]!);
            this.images[slot] = image;
          } else {
            returned.push(image);
            evicted.push(image);
          }
        }
        const odd = returned.find((t) => t.shape.some((d, k) => d !== returned[0]!.shape[k]));
        if (odd) {
          throw new OptionError(
            `ImagePool: a batch of ${n} would mix ${sizeOf(returned[0]!)} and ${sizeOf(odd)} images (a stored image of another size was drawn), ` +
              'which the reference cannot concatenate either. With images of mixed sizes (--preprocess none) use --batch_size 1, or --pool_size 0.',
          );
        }
        return tf.concat(returned, 0);
      });
    } finally {
      tf.dispose(evicted);
    }
  }

  /** Copies of the stored images, oldest slot first. */
  state(): PooledImage[] {
    return this.images.map((t) => ({ shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) }));
  }

  /** Replaces the stored images by `state()` output (frees the current ones). */
  restore(images: readonly PooledImage[]): void {
    if (images.length > this.poolSize)
      throw new Error(`Cannot restore ${images.length} images into an ImagePool of size ${this.poolSize}.`);
    const restored = images.map(({ shape, data }) => {
      if (shape.length !== 4 || shape[0] !== 1) throw new Error(`A pooled image must have shape [1, H, W, C]; got [${shape.join(', ')}].`);
      return tf.keep(tf.tensor4d(data, shape as [number, number, number, number]));
    });
    this.dispose();
    this.images = restored;
  }

  /** Frees every stored image; the pool is empty afterwards. */
  dispose(): void {
    tf.dispose(this.images);
    this.images = [];
  }
}

/** `H×W×C` of an NHWC image. */
function sizeOf(image: tf.Tensor4D): string {
  return image.shape.slice(1).join('×');
}
