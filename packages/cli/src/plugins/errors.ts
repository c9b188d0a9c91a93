/** The error of a plugin that cannot be found, loaded or used: it names the plugin's file. */
import { TranslateError } from '@translate/core';

/** A problem with a plugin (exit code 2): `Plugin <file>: <problem>`, or one problem per line. */
export class PluginError extends TranslateError {
  constructor(
    /** The plugin's file (or the name or path it was requested by, when no file was found). */
    readonly plugin: string,
    /** What is wrong, one sentence each. */
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? `Plugin ${plugin}: ${problems[0]}`
        : `Plugin ${plugin} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}
