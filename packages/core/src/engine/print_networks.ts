/**
 * The reference's `BaseModel.print_networks(verbose)`: each network's parameter count, and with
 * `--verbose` its module tree first (as `print(net)`: class names, children by name, and each
 * module's own tensors with their PyTorch shapes).
 */
import { torchShapeFor } from '../interop/layout.js';
import type { Module } from '../nn/module.js';

/** Logs every network's parameter count between the reference's rulers; with `verbose`, each network's tree before its count. */
export function printNetworks(networks: ReadonlyMap<string, Module<any, any>>, verbose: boolean, log: (line: string) => void): void {
  log('---------- Networks initialized -------------');
  for (const [name, net] of networks) {
    if (verbose) for (const line of moduleTree(net)) log(line);
    log(`[Network ${name}] Total number of parameters : ${(net.numParameters() / 1e6).toFixed(3)} M`);
  }
  log('-----------------------------------------------');
}

/** The lines of a module's tree: `Class(` … `)` with `(child): …` indented, or `Class(tensor [shape], …)` for a leaf. */
export function moduleTree(module: Module<any, any>, indent = ''): string[] {
  const own = module
    .namedEntries()
    .filter(([key]) => !key.includes('.'))
    .map(([key, entry]) => `${key} [${torchShapeFor(entry.variable.shape, entry.layout).join(', ')}]`);
  const children = module.namedChildren();
  const head = `${module.constructor.name}(${own.join(', ')}`;
  if (children.length === 0) return [`${head})`];
  const lines = [own.length > 0 ? `${head},` : head];
  for (const [name, child] of children) {
    const [first, ...rest] = moduleTree(child, `${indent}  `);
    lines.push(`${indent}  (${name}): ${first!}`, ...rest);
  }
  lines.push(`${indent})`);
  return lines;
}
