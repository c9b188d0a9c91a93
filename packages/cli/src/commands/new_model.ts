/** `translate new-model <name>`: writes a ready-to-run model plugin package. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeScaffold } from '../plugins/scaffold/scaffold.js';

/** Adds `new-model`. */
export function addNewModelCommand(program: Command, ctx: CliContext): void {
  program
    .command('new-model')
    .description('write a model plugin package (a small conditional GAN, a test and a README) to start a new model from')
    .argument('<name>', 'the model name (--model), e.g. my_gan')
    .option('--dir <path>', 'folder to write the package into (default: ./<name>)')
    .action((name: string, o: { dir?: string }) => {
      const dir = o.dir ?? name;
      const files = writeScaffold(name, dir);
      ctx.io.stdout(`Wrote ${files.join(', ')} to ${dir}\n`);
      ctx.io.stdout(`Next: cd ${dir} && pnpm install && pnpm run build && pnpm test\n`);
      ctx.io.stdout(`Then: translate train --plugin ${dir} --model ${name} --dataroot <aligned dataset>\n`);
    });
}
