/**
 * Errors that translate reports to users. A `TranslateError` carries a message meant to be read by a
 * person (what was wrong, where, how to fix it); the CLI prints only the message, never a stack.
 */
export class TranslateError extends Error {
  /** True when the error is caused by how the tool was invoked (bad flag, bad file): exit code 2. */
  readonly usage: boolean;

  constructor(message: string, options: { usage?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.usage = options.usage ?? true;
  }
}

/** A bad option value or combination (unknown name, wrong type, unsupported combination). */
export class OptionError extends TranslateError {}

/** An input whose shape a network cannot take (e.g. U-Net 256 on a 200 px image). */
export class InputShapeError extends TranslateError {}

/** A state dict that does not fit a module: missing or unexpected keys, or shape mismatches. */
export class StateDictError extends TranslateError {}

/** Lists known names for an "unknown X" message, with the closest match first when one is close. */
export function unknownNameMessage(kind: string, name: string, known: readonly string[]): string {
  const close = known.filter((k) => editDistance(k, name) <= Math.max(2, Math.floor(name.length / 3)));
  const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : '';
  return `Unknown ${kind} '${name}'.${hint} Known: ${[...known].sort().join(', ')}.`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
