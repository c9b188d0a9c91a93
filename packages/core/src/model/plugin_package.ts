/**
 * What a plugin module exports for `translate train|test --plugin <package | path>` (and the
 * `plugins:` list of a config file): model plugins, `--netG` / `--netD` architectures and dataset
 * modes, which the CLI validates and registers under the plugin's file name.
 */
import type { DiscriminatorSpec, GeneratorSpec, NetworkFactory } from '../networks/registry.js';
import type { ModelPlugin } from './plugin.js';

/**
 * Several registrations in one object. `DatasetMode` is the type of the dataset modes listed:
 * `DatasetMode` of `@translate/datasets` (core does not depend on the datasets package), e.g.
 * `const pkg: PluginPackage<DatasetMode> = { models: [plugin], datasetModes: [mode] }`.
 */
export interface PluginPackage<DatasetMode = unknown> {
  /** Model plugins (`--model` names). */
  models?: readonly ModelPlugin[];
  /** Generator architectures by `--netG` name. */
  generators?: Readonly<Record<string, NetworkFactory<GeneratorSpec>>>;
  /** Discriminator architectures by `--netD` name. */
  discriminators?: Readonly<Record<string, NetworkFactory<DiscriminatorSpec>>>;
  /** Dataset modes (`--dataset_mode` names). */
  datasetModes?: readonly DatasetMode[];
}

/**
 * The export a plugin module provides, as its default export or as `plugin`: one model plugin, a
 * `PluginPackage`, or a list of them.
 */
export type PluginExport<DatasetMode = unknown> =
  | ModelPlugin
  | PluginPackage<DatasetMode>
  | ReadonlyArray<ModelPlugin | PluginPackage<DatasetMode>>;
