/** Writes a new model plugin package (`translate new-model`). */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { OptionError } from '@translate/core';
import { coreDependency } from './core_dependency.js';
import { scaffoldFiles, type ScaffoldNames } from './templates.js';

/** Model names `new-model` accepts: lower case, digits and _, so they serve as flag values and in package names. */
const MODEL_NAME = /^[a-z][a-z0-9_]*$/;

/** Writes the package of model `name` into `dir` (created; it must be absent or empty). Returns the files' relative paths. */
export function writeScaffold(name: string, dir: string): string[] {
  if (!MODEL_NAME.test(name)) {
    throw new OptionError(
      `Model name '${name}' must start with a lower-case letter and contain only lower-case letters, digits and _ (e.g. my_gan).`,
    );
  }
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new OptionError(`${target} is not empty; choose another --dir.`);
  const files = scaffoldFiles(namesFor(name, target));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), text);
  }
  return Object.keys(files);
}

function namesFor(model: string, target: string): ScaffoldNames {
  const words = model.split('_').filter((w) => w !== '');
  return {
    model,
    className: `${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Model`,
    packageName: `translate-model-${words.join('-')}`,
    core: coreDependency(target),
  };
}
