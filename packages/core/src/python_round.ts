/** Python's `round`: halves go to the even neighbour (the reference's sizes use it, e.g. SPADE's `round(sw / aspect_ratio)`). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
