/** How plugin validation messages show a value that has the wrong type. */

/** A short description of `value`: `'text'`, `3`, `true`, `undefined`, `a function`, `a list`, `an object`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** True for a plain object (not null, not a list, not a function). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
