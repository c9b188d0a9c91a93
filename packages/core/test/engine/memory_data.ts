/** An in-memory DataSource for engine tests: fixed random images, epoch order shuffled by (seed, epoch). */
import { tf } from '../../src/tf.js';
import { SeededRandom } from '../../src/random.js';
import type { DataSource, TimedBatch } from '../../src/engine/data.js';
import { randomArray } from '../reference_ops.js';

/** `size` pairs of random 3×`side`×`side` images. */
export function memoryData(size: number, side: number, seed = 5, batchSize = 1): DataSource {
  const images = Array.from({ length: size }, (_, i) => ({
    A: Float32Array.from(randomArray(side * side * 3, seed * 1000 + 2 * i + 1)),
    B: Float32Array.from(randomArray(side * side * 3, seed * 1000 + 2 * i + 2)),
  }));
  return {
    size,
    batchSize,
    async *epoch(epoch: number, skip = 0): AsyncIterable<TimedBatch> {
      const rng = new SeededRandom(seed * 7919 + epoch);
      const order = images.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.randint(0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let start = skip; start < size; start += batchSize) {
        const picked = order.slice(start, start + batchSize);
        const stack = (key: 'A' | 'B') =>
          tf.tensor4d(Float32Array.from(picked.flatMap((k) => Array.from(images[k]![key]))), [picked.length, side, side, 3]);
        yield {
          batch: { A: stack('A'), B: stack('B'), A_paths: picked.map((k) => `img${k}.png`), B_paths: picked.map((k) => `img${k}.png`) },
          waitMs: 0,
        };
      }
    },
  };
}
