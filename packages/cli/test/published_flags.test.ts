/**
 * docs/published-flags.md against the option schemas: each row's status holds for translate's
 * options (over every built-in model, dataset mode and phase), and every alias, translated and
 * no-effect option has its row, so the table cannot go stale.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { listModels, resolveSchema, type OptionSpec, type Phase } from '@translate/core';
import { datasetModeNames, getDatasetMode } from '@translate/datasets';
import { registerBuiltinModels } from '../src/builtins.js';

const DOC = fileURLToPath(new URL('../../../docs/published-flags.md', import.meta.url));

interface Row {
  line: string;
  flag: string;
  translate: string;
  status: string;
}

/** The table's rows: flag and translate's name without the backticks and dashes. */
function rows(): Row[] {
  return readFileSync(DOC, 'utf8')
    .split('\n')
    .filter((line) => /^\| [^-|]/.test(line) && !line.startsWith('| project '))
    .map((line) => {
      const [, flag, translate, status] = line.split(' | ');
      return { line, flag: flag!.replace(/`--|`/g, ''), translate: translate!, status: status! };
    });
}

/** Every option translate has in some model × dataset mode × phase, by name. */
function allOptions(): Map<string, OptionSpec> {
  const options = new Map<string, OptionSpec>();
  for (const { plugin } of listModels()) {
    for (const phase of ['train', 'test'] as Phase[]) {
      for (const mode of datasetModeNames()) {
        const set = resolveSchema({
          phase,
          layers: [{ source: 'test', values: { model: plugin.name, dataset_mode: mode } }],
          datasetMode: getDatasetMode,
        });
        for (const [key, spec] of Object.entries(set.schema)) options.set(key, spec);
      }
    }
  }
  return options;
}

describe('docs/published-flags.md', () => {
  let options: Map<string, OptionSpec>;
  beforeAll(() => {
    registerBuiltinModels();
    options = allOptions();
  });
  const aliasOf = (flag: string) => [...options].find(([, spec]) => spec.aliases?.includes(flag))?.[0];

  it("each row's status is what the schemas declare", () => {
    for (const { line, flag, translate, status } of rows()) {
      const spec = options.get(flag);
      switch (status) {
        case 'same':
          expect(spec !== undefined && spec.noEffect === undefined && spec.sets === undefined, line).toBe(true);
          expect(translate, line).toBe(`\`--${flag}\``);
          break;
        case 'alias':
          expect(translate, line).toBe(`\`--${aliasOf(flag)}\``);
          break;
        case 'no effect':
          expect(spec?.noEffect, line).toBeDefined();
          break;
        case 'translated':
          expect(
            Object.keys(spec?.sets?.(1) ?? {})
              .map((key) => `\`--${key}\``)
              .join(', '),
            line,
          ).toBe(translate);
          break;
        case 'differs':
          expect(translate === '—' ? spec === undefined && aliasOf(flag) === undefined : spec !== undefined, line).toBe(true);
          break;
        default:
          throw new Error(`unknown status in: ${line}`);
      }
    }
  });

  it('every alias, translated and no-effect option has its row', () => {
    const listed = new Map(rows().map((row) => [row.flag, row.status]));
    for (const [key, spec] of options) {
      for (const alias of spec.aliases ?? []) expect(listed.get(alias), `--${alias}`).toBe('alias');
      if (spec.noEffect !== undefined) expect(listed.get(key), `--${key}`).toBe('no effect');
      if (spec.sets !== undefined) expect(listed.get(key), `--${key}`).toBe('translated');
    }
  });
});
