/**
 * Seeded randomness. Every random draw of translate (weight init, dropout masks, image pool, data
 * order, crops) comes from a `SeededRandom` so that the same `--seed` gives the same run.
 */
export class SeededRandom {
  private state: number;

  /** `seed`: an integer; seeds below 2^32 keep their historical streams, larger ones (up to 2^53) differ by their high bits too. */
  constructor(seed: number) {
    const high = Math.floor(seed / 4294967296);
    this.state = ((seed >>> 0) ^ 0x9e3779b9 ^ Math.imul(high, 0x85ebca6b)) >>> 0;
  }

  /** Uniform float in [0, 1) (mulberry32). */
  nextFloat(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [lo, hi], both inclusive (Python's `random.randint`). */
  randint(lo: number, hi: number): number {
    return lo + Math.floor(this.nextFloat() * (hi - lo + 1));
  }

  /** A 31-bit integer seed for tfjs ops that take one (`tf.randomNormal`, `tf.dropout`). */
  nextSeed(): number {
    return Math.floor(this.nextFloat() * 0x7fffffff);
  }

  /** The generator's internal state, for checkpoints. */
  getState(): number {
    return this.state;
  }

  /** Restores a state returned by `getState()`. */
  setState(state: number): void {
    this.state = state >>> 0;
  }
}

let globalRandom = new SeededRandom(0);

/** Re-seeds the process-wide generator used by init and dropout. */
export function seedEverything(seed: number): void {
  globalRandom = new SeededRandom(seed);
}

/** The process-wide seeded generator. */
export function globalRng(): SeededRandom {
  return globalRandom;
}
