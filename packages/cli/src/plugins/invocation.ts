/** Plugin loading for one CLI invocation: `train`, `test` and `models` load theirs before their flags are built. */
import { scanFlag } from '../argv_scan.js';
import { readConfig } from '../config.js';
import type { CliContext } from '../context.js';
import { PLUGIN_COMMANDS } from './flag.js';
import { loadPlugins } from './load.js';
import { pluginRequests } from './requests.js';

/**
 * Loads the plugins that `translate train|test|models` names with `--plugin` or in its config's
 * `plugins:` list, so that `--model` can name a plugin's model and `--help` lists its options.
 */
export async function loadInvocationPlugins(ctx: CliContext, cwd = process.cwd()): Promise<void> {
  if (ctx.invoked === undefined || !PLUGIN_COMMANDS.includes(ctx.invoked)) return;
  const configPath = ctx.invoked === 'models' ? undefined : scanFlag(ctx.argv, 'config');
  await loadPlugins(pluginRequests(ctx.argv, configPath === undefined ? undefined : readConfig(configPath), cwd));
}
