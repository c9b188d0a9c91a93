/**
 * Compiles TypeScript files the way a plugin author's build would, with `@translate/core` and
 * `@translate/datasets` resolvable by their root specifiers only (their `src/index.ts`), so that a
 * deep import fails to resolve.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noImplicitOverride: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
  paths: {
    '@translate/core': [`${REPO}packages/core/src/index.ts`],
    '@translate/datasets': [`${REPO}packages/datasets/src/index.ts`],
  },
};

/** A program over `files` (and what they import). */
export function publicApiProgram(files: readonly string[]): ts.Program {
  return ts.createProgram(files, OPTIONS);
}

/** The diagnostics of `files` in `program` as `path:line:col message` lines (empty when they compile). */
export function diagnosticsOf(program: ts.Program, files: readonly string[]): string[] {
  return files.flatMap((file) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const where = at ? `${d.file!.fileName.replace(REPO, '')}:${at.line + 1}:${at.character + 1}` : '(global)';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    }),
  );
}
