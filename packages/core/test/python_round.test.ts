import { describe, expect, it } from 'vitest';
import { roundHalfEven } from '../src/python_round.js';

describe('roundHalfEven', () => {
  it('is Python round', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6, 49.5, 50.5].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, 50, 50]);
  });
});
