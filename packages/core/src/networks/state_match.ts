/**
 * Whether a state dict fits a network exactly: the check behind weight identification. The network
 * is built, compared with the state dict as a strict load compares (`Module.stateDictDifferences`,
 * old keys upgraded first), and freed again.
 */
import type { RawStateDict } from '../interop/raw_tensor.js';
import type { Module } from '../nn/module.js';

/** How many keys of each kind of difference a mismatch description names. */
const SHOWN = 3;

/**
 * Builds a network with `build`, compares `state` with it as a strict load would (old keys
 * upgraded first) and disposes it. Returns null when every key and shape matched, else the
 * differences in a few words (`2 keys missing (model.10.…), 1 shape differs (model.1.weight: file
 * [64, 3, 7, 7], network [32, 3, 7, 7])`).
 */
export function stateDictMismatch(build: () => Module<any, any>, state: RawStateDict): string | null {
  const net = build();
  try {
    const { missing, unexpected, mismatched } = net.stateDictDifferences(state);
    const parts = [
      listed(missing, 'key missing from the file', 'keys missing from the file'),
      listed(unexpected, 'key the network lacks', 'keys the network lacks'),
      listed(
        mismatched.map((m) => `${m.key}: file [${m.file.join(', ')}], network [${m.expected.join(', ')}]`),
        'shape differs',
        'shapes differ',
      ),
    ].filter((part) => part !== '');
    return parts.length === 0 ? null : parts.join('; ');
  } finally {
    net.dispose();
  }
}

function listed(items: readonly string[], one: string, many: string): string {
  if (items.length === 0) return '';
  const more = items.length > SHOWN ? ', …' : '';
  return `${items.length} ${items.length === 1 ? one : many} (${items.slice(0, SHOWN).join(', ')}${more})`;
}
