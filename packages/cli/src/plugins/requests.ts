/**
 * Which plugins a `train` / `test` invocation asks for: the `plugins:` list of its `--config` file
 * (paths relative to that file), then each `--plugin` flag (paths relative to the working
 * directory). `plugins` is not an option, so it is taken out of the config's option values.
 */
import { dirname, resolve } from 'node:path';
import { OptionError, type OptionLayer } from '@translate/core';
import { scanFlagValues } from '../argv_scan.js';
import type { PluginRequest } from './resolve.js';

/** The config key that lists plugins. */
const PLUGINS_KEY = 'plugins';

/** The plugin requests of `argv` and of its config file (when one was read), config first. */
export function pluginRequests(argv: readonly string[], config: OptionLayer | undefined, cwd: string): PluginRequest[] {
  const fromConfig =
    config === undefined ? [] : configPlugins(config).map((spec) => ({ spec, baseDir: dirname(resolve(cwd, config.source)) }));
  return [...fromConfig, ...scanFlagValues(argv, 'plugin').map((spec) => ({ spec, baseDir: cwd }))];
}

/** The config layer without its `plugins` list. */
export function withoutPlugins(config: OptionLayer): OptionLayer {
  const { [PLUGINS_KEY]: _plugins, ...values } = config.values;
  return { ...config, values };
}

function configPlugins(config: OptionLayer): string[] {
  const value = config.values[PLUGINS_KEY];
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== '')) {
    const line = config.lines?.[PLUGINS_KEY];
    throw new OptionError(
      `'${PLUGINS_KEY}' (${config.source}${line === undefined ? '' : `:${line}`}) must be a list of npm package names or paths, e.g. 'plugins: [./my-plugin]'.`,
    );
  }
  return list as string[];
}
