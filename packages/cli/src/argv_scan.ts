/**
 * Reading a flag's value from raw argv before commander parses it: the model and dataset mode
 * decide which options `train` and `test` have, and `--config` may name them too.
 */

/** The last value of `--flag value` or `--flag=value` in `argv` (arguments after `--` are not flags). */
export function scanFlag(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === `--${flag}`) value = argv[i + 1];
    else if (arg.startsWith(`--${flag}=`)) value = arg.slice(flag.length + 3);
  }
  return value;
}
