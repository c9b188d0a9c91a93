/**
 * The model plugin contract and registry. A plugin declares its name, option schema and default
 * overrides (the reference's `modify_commandline_options`), and creates a `BaseModel`. Models are
 * found by explicit registration, never by scanning files; an unknown name lists the known ones.
 */
import { Registry } from '../registry.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import type { DefaultOverrides, OptionSchema, OptionValue, Options } from '../options/schema.js';
import type { BaseModel } from './base_model.js';

/** What a model's constructor learns about the run besides its options. */
export interface ModelEnvironment {
  /** True when training (optimizers, discriminators and losses are built), false when testing. */
  isTrain: boolean;
}

/** What a plugin's `identifyWeights` recognised: one of its networks with exactly a state dict's keys and shapes. */
export interface WeightsMatch {
  /** The options that build it (flag name → value, without `model`), e.g. `{ scale: 4, n_blocks: 5 }`. */
  options: Record<string, OptionValue>;
  /** The network in words, e.g. `SRResNet generator, ×4, 5 residual blocks, ngf 64`. */
  description: string;
  /** The name the model loads it under (`<epoch>_net_<network>`); default 'G'. */
  network?: string;
  /** What the weights cannot tell, and what `options` assume for it. */
  notes?: readonly string[];
  /** Options whose value in `options` is assumed, not read from the weights (other values load them too). */
  assumed?: readonly string[];
}

/** A model plugin; its `defaults`, `trainDefaults` and `testDefaults` change options declared elsewhere (base, train/test or dataset options). */
export interface ModelPlugin extends DefaultOverrides {
  /** The `--model` name. */
  name: string;
  /** Other accepted names (e.g. the reference's `cycle_gan`). */
  aliases?: readonly string[];
  /** One line for `translate models`. */
  description: string;
  /** Options this model adds. */
  options?: OptionSchema;
  /**
   * This model's options that shape its networks (e.g. srgan's `scale`, `n_blocks`): besides the
   * base ones (`netG`, `ngf`, …), `translate test` takes them from the checkpoint it loads.
   */
  architectureOptions?: readonly string[];
  /**
   * Recognises a state dict (PyTorch layout and key names) of one of this model's networks: the
   * options that build a network with exactly its keys and shapes (check by building it, e.g. with
   * `stateDictMismatch`), or null. `translate weights inspect` reports what it returns.
   */
  identifyWeights?: (state: RawStateDict) => WeightsMatch | null;
  /** Builds the model from resolved options. */
  create(opt: Options, env: ModelEnvironment): BaseModel;
}

/** Every field of {@link ModelPlugin}, once: the compiler rejects a field missing here or one that the interface lacks. */
const MODEL_PLUGIN_FIELD_SET: { readonly [K in keyof ModelPlugin]-?: true } = {
  name: true,
  aliases: true,
  description: true,
  options: true,
  defaults: true,
  trainDefaults: true,
  testDefaults: true,
  architectureOptions: true,
  identifyWeights: true,
  create: true,
};

/** The fields a model plugin object may have, in declaration order (plugin validation accepts these). */
export const MODEL_PLUGIN_FIELDS = Object.keys(MODEL_PLUGIN_FIELD_SET) as ReadonlyArray<keyof ModelPlugin>;

/** The registered model plugins (`--model`). */
export const MODELS = new Registry<ModelPlugin>({ kind: 'model', taken: 'model name', builtinSource: 'translate' });

/**
 * Registers a model plugin. `source` names where it came from (package or file) for error
 * messages. A name or alias already taken is an error naming both sources.
 */
export function registerModel(plugin: ModelPlugin, source = plugin.name): void {
  MODELS.register(plugin.name, plugin, { aliases: plugin.aliases ?? [], source });
}

/** The plugin registered under `name` or one of its aliases; unknown names list the known ones. */
export function getModel(name: string): ModelPlugin {
  return MODELS.get(name);
}

/** Every registered plugin with its source, in registration order. */
export function listModels(): Array<{ plugin: ModelPlugin; source: string }> {
  return MODELS.list().map(({ value, source }) => ({ plugin: value, source }));
}
