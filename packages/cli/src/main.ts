/**
 * The `translate` command line: `train`, `test`, `models`, `new-model`, `doctor` and `datasets`.
 * `main` runs one invocation in-process and returns its exit code: 0 on success, 2 for a usage
 * error (bad flag, option, config file, input or plugin), 1 for any other failure (and for the
 * problems `datasets check` finds).
 */
import { Command } from 'commander';
import { registerBuiltinModels } from './builtins.js';
import { registerDatasetsCommand } from './commands/datasets.js';
import { addDoctorCommand } from './commands/doctor.js';
import { addExportCommand } from './commands/export.js';
import { addMetricsCommand } from './commands/metrics.js';
import { addModelsCommand } from './commands/models.js';
import { addNewModelCommand } from './commands/new_model.js';
import { addTestCommand } from './commands/test.js';
import { addTrainCommand } from './commands/train.js';
import { addWeightsCommand } from './commands/weights.js';
import type { CliContext } from './context.js';
import { processIo, type CliIo } from './io.js';
import { loadInvocationPlugins } from './plugins/invocation.js';
import { modelNames } from './registered_names.js';
import { reportError } from './report_error.js';
import { cliVersion } from './version.js';

/** Runs `translate <argv...>` and returns the exit code; output goes to `io`. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const ctx: CliContext = { io, argv, invoked: argv[0] === 'help' ? argv[1] : argv[0], exitCode: 0 };
  try {
    registerBuiltinModels();
    await loadInvocationPlugins(ctx);
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return reportError(err, io);
  }
}

function buildProgram(ctx: CliContext): Command {
  const program = new Command('translate')
    .description(`Image-to-image translation GANs (models: ${modelNames().join(', ')}) with the flags of pytorch-CycleGAN-and-pix2pix.`)
    .version(cliVersion(), '-V, --version', 'print the version and exit')
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.io.stdout(text), writeErr: (text) => ctx.io.stderr(text) })
    .showHelpAfterError("(run 'translate --help' to see the commands)");
  addTrainCommand(program, ctx);
  addTestCommand(program, ctx);
  addModelsCommand(program, ctx);
  addNewModelCommand(program, ctx);
  addDoctorCommand(program, ctx);
  registerDatasetsCommand(program, ctx);
  addWeightsCommand(program, ctx);
  addExportCommand(program, ctx);
  addMetricsCommand(program, ctx);
  return program;
}
