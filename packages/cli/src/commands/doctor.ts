/** `translate doctor`: which tensor backends load here, and what is registered. */
import type { Command } from 'commander';
import { describeBackends, listModels, tf } from '@translate/core';
import { datasetModeNames } from '@translate/datasets';
import type { CliContext } from '../context.js';

/** Adds `doctor`. */
export function addDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('report the tensor backends that can be used here (for --backend) and the registered models and dataset modes')
    .action(async () => {
      const { io } = ctx;
      io.stdout('Backends, fastest first (--backend auto picks the first available):\n');
      for (const status of await describeBackends()) {
        const reason = status.reason === undefined ? '' : `  ${status.reason}`;
        io.stdout(`  ${status.name.padEnd(15)} ${status.available ? 'available    ' : 'unavailable  '}${status.packageName}${reason}\n`);
      }
      io.stdout(`Node ${process.version}, tfjs-core ${tf.version_core}\n`);
      io.stdout(`Models: ${listModels().map((m) => m.plugin.name).join(', ')}\n`);
      io.stdout(`Dataset modes: ${datasetModeNames().join(', ')}\n`);
    });
}
