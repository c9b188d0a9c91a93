/**
 * The public API is what plugins get: every export of @translate/core is documented; a plugin
 * (a fixture, and the worked example) compiles against the root exports alone, with the mistakes
 * the types should catch caught; and the built-in model packages and the example import nothing
 * an external plugin could not.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, diagnosticsOf, publicApiProgram } from './typecheck.js';

const coreIndex = join(REPO, 'packages/core/src/index.ts');
const fixture = fileURLToPath(new URL('./fixtures/typed_plugin.ts', import.meta.url));

/** TypeScript files under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Source folders of plugins that must use the public API only: the built-in models and the examples. */
function pluginSourceDirs(): string[] {
  const models = readdirSync(join(REPO, 'packages'))
    .filter((p) => p.startsWith('model-'))
    .map((p) => join(REPO, 'packages', p, 'src'));
  const examples = readdirSync(join(REPO, 'examples')).map((e) => join(REPO, 'examples', e, 'src'));
  return [...models, ...examples];
}

const exampleFiles = tsFiles(join(REPO, 'examples/ebgan/src'));
let program: ts.Program;

beforeAll(() => {
  program = publicApiProgram([coreIndex, fixture, ...exampleFiles]);
});

describe('public API', () => {
  it('every export of @translate/core has a doc comment', () => {
    const checker = program.getTypeChecker();
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(coreIndex)!)!);
    const documented = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '';
    const exportDoc = (symbol: ts.Symbol) =>
      symbol.declarations?.some((d) => ts.getJSDocCommentsAndTags(ts.isExportSpecifier(d) ? d.parent.parent : d).length > 0) ?? false;
    const undocumented = exports
      .filter((s) => !documented(s) && !exportDoc(s) && !(s.flags & ts.SymbolFlags.Alias && documented(checker.getAliasedSymbol(s))))
      .map((s) => s.name);
    expect(exports.length).toBeGreaterThan(200);
    expect(undocumented).toEqual([]);
  });

  it('a plugin compiles against the root exports alone, and the types reject a broken plugin', () => {
    expect(diagnosticsOf(program, [fixture])).toEqual([]);
    const text = readFileSync(fixture, 'utf8');
    expect(text.match(/@ts-expect-error/g)).toHaveLength(3);
  });

  it('the worked example compiles against the public API', () => {
    expect(exampleFiles.map((f) => relative(REPO, f)).sort()).toEqual([
      'examples/ebgan/src/autoencoder.ts',
      'examples/ebgan/src/ebgan_model.ts',
      'examples/ebgan/src/index.ts',
    ]);
    expect(diagnosticsOf(program, exampleFiles)).toEqual([]);
  });

  it('built-in model packages and examples import only @translate/core, @translate/datasets, node: modules and their own files', () => {
    const offending: string[] = [];
    for (const src of pluginSourceDirs()) {
      for (const file of tsFiles(src)) {
        for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
          const ownFile = specifier.startsWith('.') && !relative(src, resolve(dirname(file), specifier)).startsWith('..');
          if (!ownFile && !specifier.startsWith('node:') && specifier !== '@translate/core' && specifier !== '@translate/datasets') {
            offending.push(`${relative(REPO, file)}: '${specifier}'`);
          }
        }
      }
    }
    expect(pluginSourceDirs().length).toBeGreaterThanOrEqual(5);
    expect(offending).toEqual([]);
  });
});
