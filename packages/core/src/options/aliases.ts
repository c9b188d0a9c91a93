/**
 * Option aliases: other spellings of an option (`aliases` of its spec, e.g. SPADE's
 * `preprocess_mode` for `preprocess`), accepted wherever option values are given.
 */
import { TranslateError } from '../errors.js';
import type { OptionSchema } from './schema.js';

/**
 * Each alias of `schema` mapped to the name of its option. An alias that is also an option's name
 * or another option's alias is a `TranslateError` (a mistake in the declarations, not in the input).
 */
export function aliasTargets(schema: OptionSchema): Map<string, string> {
  const targets = new Map<string, string>();
  for (const [key, spec] of Object.entries(schema)) {
    for (const alias of spec.aliases ?? []) {
      const taken =
        schema[alias] !== undefined ? `the option '${alias}'` : targets.has(alias) ? `an alias of '${targets.get(alias)}'` : undefined;
      if (taken !== undefined)
        throw new TranslateError(`Option '${key}' declares the alias '${alias}', which is already ${taken}.`, { usage: false });
      targets.set(alias, key);
    }
  }
  return targets;
}
