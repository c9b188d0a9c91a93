/**
 * Whether a state dict fits a network exactly: the check behind weight identification. The network
 * is built, the state dict is loaded into it strictly (as checkpoints load, old keys upgraded
 * first), and the network is freed again.
 */
import { StateDictError } from '../errors.js';
import { torchShapeFor } from '../interop/layout.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import type { Module } from '../nn/module.js';

/** How many keys of each kind of difference a mismatch description names. */
const SHOWN = 3;

/**
 * Builds a network with `build`, loads `state` into it strictly and disposes it. Returns null when
 * every key and shape matched, else the differences in a few words (`2 keys missing (model.10.…),
 * 1 shape differs (model.1.weight: file [64, 3, 7, 7], network [32, 3, 7, 7])`).
 */
export function stateDictMismatch(build: () => Module<any, any>, state: RawStateDict): string | null {
  const net = build();
  try {
    net.loadStateDict(state);
    return null;
  } catch (err) {
    if (err instanceof StateDictError) return describeDifferences(net, state);
    throw err;
  } finally {
    net.dispose();
  }
}

function describeDifferences(net: Module<any, any>, state: RawStateDict): string {
  const expected = new Map(net.namedEntries().map(([key, entry]) => [key, torchShapeFor(entry.variable.shape, entry.layout)]));
  const missing = [...expected.keys()].filter((k) => !state.has(k));
  const unexpected = [...state.keys()].filter((k) => !expected.has(k));
  const shapes = [...expected]
    .filter(([k, shape]) => state.has(k) && state.get(k)!.shape.join() !== shape.join())
    .map(([k, shape]) => `${k}: file [${state.get(k)!.shape.join(', ')}], network [${shape.join(', ')}]`);
  return [
    listed(missing, 'key missing from the file', 'keys missing from the file'),
    listed(unexpected, 'key the network lacks', 'keys the network lacks'),
    listed(shapes, 'shape differs', 'shapes differ'),
  ]
    .filter((part) => part !== '')
    .join('; ');
}

function listed(items: readonly string[], one: string, many: string): string {
  if (items.length === 0) return '';
  const more = items.length > SHOWN ? ', …' : '';
  return `${items.length} ${items.length === 1 ? one : many} (${items.slice(0, SHOWN).join(', ')}${more})`;
}
