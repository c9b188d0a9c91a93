/** Where an experiment lives: `<checkpoints_dir>/<name>`, with `--name` kept inside `--checkpoints_dir`. */
import { isAbsolute, join } from 'node:path';
import { OptionError } from '../errors.js';
import { optString, type Options } from '../options/schema.js';

/**
 * The experiment folder `<checkpoints_dir>/<name>`. `--name` names a folder under
 * `--checkpoints_dir` (nested names like `maps/run1` are fine); an empty name, an absolute path or a
 * `..` step, which would put checkpoints and results (`<results_dir>/<name>`) elsewhere, is an
 * `OptionError`.
 */
export function experimentFolder(opt: Options): string {
  const name = optString(opt, 'name');
  const root = optString(opt, 'checkpoints_dir');
  if (name.trim() === '')
    throw new OptionError(`--name is empty: it names the experiment folder under --checkpoints_dir ${root}; pass a name.`);
  if (isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
    throw new OptionError(
      `--name '${name}' leaves --checkpoints_dir ${root}: it names a folder inside it. Pass a plain name (e.g. maps_pix2pix), and --checkpoints_dir for another place.`,
    );
  }
  return join(root, name);
}
