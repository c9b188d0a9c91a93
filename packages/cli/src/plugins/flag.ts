/** The repeatable `--plugin` flag of the commands that load plugins. */
import type { Command } from 'commander';

/** Commands that load the plugins named by `--plugin` (and, for train/test, by the config's `plugins:`). */
export const PLUGIN_COMMANDS: readonly string[] = ['train', 'test', 'models'];

/**
 * Declares `--plugin <package|path>` on `command` so that commander accepts and documents it; the
 * plugins themselves are loaded from argv before the command is built (`loadInvocationPlugins`).
 */
export function addPluginFlag(command: Command): Command {
  return command.option(
    '--plugin <package|path>',
    'load models, networks and dataset modes from a plugin (npm package or path; repeatable; also `plugins: [...]` in a config file)',
    (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
  );
}
