/**
 * Seeded randomness for data loading. Each epoch's order and each sample's crop/flip come from
 * their own generator, derived from (seed, epoch, position), so the same seed gives the same batches
 * whatever the prefetch depth or the decoding order.
 */
import { SeededRandom } from '@translate/core';

/** What a dataset needs from a random generator (`SeededRandom` of @translate/core fits). */
export interface Rng {
  /** Uniform float in [0, 1). */
  nextFloat(): number;
  /** Uniform integer in [lo, hi], both inclusive (Python's `random.randint`). */
  randint(lo: number, hi: number): number;
}

/** A generator for one stream, keyed by a seed and any number of integers (epoch, position...). */
export function deriveRng(seed: number, ...keys: number[]): Rng {
  let h = mix32(seed >>> 0);
  for (const k of keys) h = mix32((h ^ (k >>> 0)) + 0x9e3779b9);
  return new SeededRandom(h);
}

/** Shuffles `items` in place with Fisher–Yates and returns it. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.randint(0, i);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
