/**
 * Reading a flag's value from raw argv before commander parses it: the model and dataset mode
 * decide which options `train` and `test` have, and `--config` may name them too.
 */

/** The last value of `--flag value` or `--flag=value` in `argv` (arguments after `--` are not flags). */
export function scanFlag(argv: readonly string[], flag: string): string | undefined {
  return scanFlagValues(argv, flag).at(-1);
}

/** Every value of a repeatable `--flag value` / `--flag=value` in `argv`, in order. */
export function scanFlagValues(argv: readonly string[], flag: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === `--${flag}` && argv[i + 1] !== undefined) values.push(argv[i + 1]!);
    else if (arg.startsWith(`--${flag}=`)) values.push(arg.slice(flag.length + 3));
  }
  return values;
}
