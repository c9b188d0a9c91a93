/**
 * Options as the reference prints them: `print_options` (the text of `<phase>_opt.txt`) and
 * Python's `str()` of a value, which `--suffix` formatting also uses.
 */
import type { OptionSchema, OptionType, OptionValue, Options } from './schema.js';

/**
 * Python's `str(value)` for an option of `type`: `True`/`False`, floats always with a decimal point
 * or an exponent (`10.0`, `0.0002`, `1e-05`), infinity as `inf`, a missing value as `None`.
 */
export function pythonStr(value: OptionValue | undefined, type: OptionType): string {
  if (value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return type === 'float' ? pythonFloatRepr(value) : String(value);
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
function pythonFloatRepr(x: number): string {
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = String(x);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/**
 * The reference's `print_options` text, as written to `checkpoints/<name>/<phase>_opt.txt`
 * (including the final newline): a header, one `{key:>25}: {value:<30}` line per option in sorted
 * order with `\t[default: X]` when the value differs from the default in `schema`, and a footer.
 * `schema` must hold the effective defaults (after model and dataset overrides), as
 * `resolveOptions` returns it.
 */
export function formatOptions(opt: Options, schema: OptionSchema): string {
  let message = '----------------- Options ---------------\n';
  for (const key of Object.keys(opt).sort()) {
    const type = schema[key]?.type ?? typeOf(opt[key]!);
    const defaultValue = schema[key]?.default;
    const comment = opt[key] !== defaultValue ? `\t[default: ${pythonStr(defaultValue, type)}]` : '';
    message += `${key.padStart(25)}: ${pythonStr(opt[key], type).padEnd(30)}${comment}\n`;
  }
  return `${message}----------------- End -------------------\n`;
}

function typeOf(value: OptionValue): OptionType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  return Number.isInteger(value) ? 'int' : 'float';
}
