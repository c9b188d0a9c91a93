/** Summary statistics of the bench: every figure is reported as its median with minimum and maximum. */

/** `{ median, min, max, n }` of `xs` (the median of an even count is the mean of the middle two). */
export function summary(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}
