/**
 * The model plugin contract and registry. A plugin declares its name, option schema and default
 * overrides (the reference's `modify_commandline_options`), and creates a `BaseModel`. Models are
 * found by explicit registration, never by scanning files; an unknown name lists the known ones.
 */
import { OptionError, TranslateError, unknownNameMessage } from '../errors.js';
import type { OptionSchema, OptionValue, Options } from '../options/schema.js';
import type { BaseModel } from './base_model.js';

/** What a model's constructor learns about the run besides its options. */
export interface ModelEnvironment {
  /** True when training (optimizers, discriminators and losses are built), false when testing. */
  isTrain: boolean;
}

/** A model plugin. */
export interface ModelPlugin {
  /** The `--model` name. */
  name: string;
  /** Other accepted names (e.g. the reference's `cycle_gan`). */
  aliases?: readonly string[];
  /** One line for `translate models`. */
  description: string;
  /** Options this model adds. */
  options?: OptionSchema;
  /** New defaults for options declared elsewhere (base, train/test or dataset options), in both phases. */
  defaults?: Readonly<Record<string, OptionValue>>;
  /** New defaults that apply only when training. */
  trainDefaults?: Readonly<Record<string, OptionValue>>;
  /** New defaults that apply only when testing. */
  testDefaults?: Readonly<Record<string, OptionValue>>;
  /**
   * This model's options that shape its networks (e.g. srgan's `scale`, `n_blocks`): besides the
   * base ones (`netG`, `ngf`, …), `translate test` takes them from the checkpoint it loads.
   */
  architectureOptions?: readonly string[];
  /** Builds the model from resolved options. */
  create(opt: Options, env: ModelEnvironment): BaseModel;
}

const plugins = new Map<string, { plugin: ModelPlugin; source: string }>();
const aliasToName = new Map<string, string>();

/**
 * Registers a model plugin. `source` names where it came from (package or file) for error
 * messages. A name or alias already taken is an error naming both sources.
 */
export function registerModel(plugin: ModelPlugin, source = plugin.name): void {
  for (const name of [plugin.name, ...(plugin.aliases ?? [])]) {
    const taken = aliasToName.get(name);
    if (taken !== undefined) {
      throw new TranslateError(
        `Model name '${name}' from ${source} is already registered by ${plugins.get(taken)!.source}. Rename one of the plugins.`,
      );
    }
  }
  plugins.set(plugin.name, { plugin, source });
  for (const name of [plugin.name, ...(plugin.aliases ?? [])]) aliasToName.set(name, plugin.name);
}

/** The plugin registered under `name` or one of its aliases; unknown names list the known ones. */
export function getModel(name: string): ModelPlugin {
  const canonical = aliasToName.get(name);
  if (canonical === undefined) throw new OptionError(unknownNameMessage('model', name, [...aliasToName.keys()]));
  return plugins.get(canonical)!.plugin;
}

/** Every registered plugin with its source, in registration order. */
export function listModels(): Array<{ plugin: ModelPlugin; source: string }> {
  return [...plugins.values()];
}
