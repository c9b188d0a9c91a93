/**
 * A checkpoint folder without a manifest — a downloaded pretrained `.pth`, a file an author
 * trained — carries its architecture only in its weights. {@link architectureOfWeights} reads it
 * back with {@link identifyNetwork}, so `translate test` needs no `--netG/--ngf/--norm/--n_blocks`
 * for such files, as it needs none for checkpoints with a manifest.
 */
import { identifyNetwork, type NetworkMatch } from '../networks/identify.js';
import type { OptionValue } from '../options/schema.js';
import { bareNetworkFiles } from './checkpoint.js';
import { readWeightsFile } from './weights_file.js';

/** The architecture options the weights fix, and the files they were read from. */
export interface WeightsArchitecture {
  options: Record<string, OptionValue>;
  files: string[];
}

/**
 * The values of `keys` (the requested model's architecture options) that every generator match of
 * every network file of checkpoint `label` in `dir` agrees on, whichever plugin recognised it (a
 * reference generator serves `test`, `cycle_gan` and `pix2pix` alike; srresnet's, `srgan`). Keys the weights cannot settle (no match, matches that
 * disagree, or a value a match only assumes, such as SPADE's label_nc/instance split) are left as
 * the options have them; null when no file matched at all.
 */
export function architectureOfWeights(dir: string, label: string, keys: readonly string[]): WeightsArchitecture | null {
  const files = bareNetworkFiles(dir, label);
  const matches: NetworkMatch[] = [];
  for (const path of files) {
    const file = readWeightsFile(path);
    const found = identifyNetwork(file.tensors, file.module).matches;
    matches.push(...found.filter((m) => m.command === 'test'));
  }
  if (matches.length === 0) return null;
  const options: Record<string, OptionValue> = {};
  for (const key of keys) {
    if (matches.some((m) => m.assumed.includes(key))) continue;
    const values = new Set(matches.map((m) => m.options[key]));
    const [value] = values;
    if (values.size === 1 && value !== undefined) options[key] = value;
  }
  return { options, files };
}
