/**
 * Which of translate's networks a state dict is, and with which flags: the reference's generators
 * and discriminators (see `identify_reference.ts`) and whatever model plugins recognise
 * (`ModelPlugin.identifyWeights`). Every match is exact: the network was built with those options
 * and the state dict loaded into it with every key and shape matching.
 */
import type { PickledModule } from '../interop/find_state_dict.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import { listModels } from '../model/plugin.js';
import type { OptionValue } from '../options/schema.js';
import { referenceCandidates } from './identify_reference.js';
import { stateDictMismatch } from './state_match.js';

/** One network a state dict fits exactly. */
export interface NetworkMatch {
  /** The network in words: `resnet_9blocks generator (ResnetGenerator, 9 residual blocks), ngf 64, instance norm, …`. */
  description: string;
  /** The options that build it (flag name → value; `model` first for a generator). */
  options: Record<string, OptionValue>;
  /** The name a model loads it under (`<epoch>_net_<network>`): `G`, `D`, `E`, … */
  network: string;
  /** What the flags are for: `test` (they select the network for `translate test`) or `train` (a discriminator, to resume training with). */
  command: 'test' | 'train';
  /** The options as flags (`--model test --netG resnet_9blocks --ngf 64 --norm instance --no_dropout`); null when no registered name builds it. */
  flags: string | null;
  /** What the weights cannot tell, and what the options assume for it. */
  notes: string[];
  /** Options whose value is assumed, not read from the weights (other values load them too). */
  assumed: string[];
}

/** What {@link identifyNetwork} found. */
export interface NetworkIdentification {
  /** Every exact match (several when a state dict fits several networks). */
  matches: NetworkMatch[];
  /** When nothing matched: why, for the candidates the keys suggested (or what the keys are not); null otherwise. */
  reason: string | null;
}

/**
 * Identifies the network `state` holds (PyTorch key names and layout). `module`, the classes of a
 * pickled whole module (`PthCheckpoint.module`), settles what a state dict cannot tell (dropout in a
 * U-Net, the padding layers, batch vs syncbatch). Builds each candidate once (tensors are freed
 * again), so it needs an initialised tfjs backend.
 */
export function identifyNetwork(state: RawStateDict, module?: PickledModule): NetworkIdentification {
  const matches: NetworkMatch[] = [];
  const reasons: string[] = [];
  for (const { build, selectable, ...candidate } of referenceCandidates(state, module)) {
    const mismatch = stateDictMismatch(build, state);
    if (mismatch === null) matches.push({ ...candidate, flags: selectable ? formatFlags(candidate.options) : null });
    else reasons.push(`${candidate.description}: ${mismatch}`);
  }
  const identifying = listModels().filter(({ plugin }) => plugin.identifyWeights !== undefined);
  for (const { plugin } of identifying) {
    const found = plugin.identifyWeights!(state);
    if (found === null) continue;
    const options = { model: plugin.name, ...found.options };
    matches.push({
      description: found.description,
      options,
      network: found.network ?? 'G',
      command: 'test',
      flags: formatFlags(options),
      notes: [...(found.notes ?? [])],
      assumed: [...(found.assumed ?? [])],
    });
  }
  if (matches.length > 0) return { matches, reason: null };
  if (reasons.length > 0) return { matches, reason: `closest: ${reasons.join('; ')}` };
  return {
    matches,
    reason: unknownKeysReason(
      state,
      identifying.map(({ plugin }) => plugin.name),
    ),
  };
}

/** `--key value` per option; `true` is the bare flag, `false` is `--key false`. */
function formatFlags(options: Record<string, OptionValue>): string {
  return Object.entries(options)
    .map(([key, value]) => (value === true ? `--${key}` : `--${key} ${String(value)}`))
    .join(' ');
}

function unknownKeysReason(state: RawStateDict, plugins: readonly string[]): string {
  if (state.size === 0) return 'the state dict is empty';
  const keys = [...state.keys()];
  return (
    `its keys (${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', …' : ''}) are not those of the reference's networks ` +
    '(ResnetGenerator: model.1.weight a 7×7 conv and model.N.conv_block.*; UnetGenerator: model.model.0.weight; ' +
    'NLayerDiscriminator: model.0.weight a 4×4 conv; PixelDiscriminator: net.0.weight a 1×1 conv)' +
    (plugins.length > 0 ? `, and no model plugin recognised them (asked: ${plugins.join(', ')})` : '')
  );
}
