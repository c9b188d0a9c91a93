/**
 * How a generated plugin depends on `@translate/core`: always as a peer dependency (the plugin must
 * use the copy of core that the `translate` running it uses), and for development either the
 * published version or, when this translate runs from a source checkout (core is not inside a
 * `node_modules` folder, i.e. unpublished), a `link:` to that checkout's packages/core.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TranslateError } from '@translate/core';
import { findPackage } from '../resolve.js';

/** The two dependency specs of `@translate/core` in a generated package.json. */
export interface CoreDependency {
  /** `peerDependencies` range, e.g. `^0.1.0`. */
  peer: string;
  /** `devDependencies` spec: the same range, or `link:<relative path to packages/core>`. */
  dev: string;
}

/** The core dependency for a package written to `targetDir`. */
export function coreDependency(targetDir: string): CoreDependency {
  const found = findPackage('@translate/core', dirname(fileURLToPath(import.meta.url)));
  if (found === undefined) throw new TranslateError('Cannot locate @translate/core next to this translate installation.', { usage: false });
  const coreDir = realpathSync(found);
  const { version } = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')) as { version: string };
  const peer = `^${version}`;
  if (coreDir.split(sep).includes('node_modules')) return { peer, dev: peer };
  return { peer, dev: `link:${relative(targetDir, coreDir).split(sep).join('/')}` };
}
