/** `translate doctor`: which tensor backends load here, and what is registered. */
import type { Command } from 'commander';
import {
  describeBackends,
  listModels,
  nativeKernelsDisabled,
  NATIVE_KERNELS_PACKAGE,
  probeNativeKernels,
  relaxedSimdSupported,
  relaxedSimdWanted,
  tf,
  winogradDisabled,
} from '@translate/core';
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
      const statuses = await describeBackends();
      for (const status of statuses) {
        const reason = status.reason === undefined ? '' : `  ${status.reason}`;
        io.stdout(`  ${status.name.padEnd(15)} ${status.available ? 'available    ' : 'unavailable  '}${status.packageName}${reason}\n`);
        if (status.hint !== undefined) io.stdout(`  ${''.padEnd(15)} ${status.hint}\n`);
      }
      const native = await probeNativeKernels();
      const nativeState = nativeKernelsDisabled()
        ? 'off (TRANSLATE_NATIVE_KERNELS=0)'
        : native.available
          ? `available    ${native.detail}: conv, matmul, fused norm/pad/Adam on the wasm backend`
          : `unavailable  ${native.detail}${native.hint ? `. To enable: ${native.hint}` : ''}`;
      io.stdout(`  ${'native kernels'.padEnd(15)} ${nativeState} (${NATIVE_KERNELS_PACKAGE})\n`);
      const fma = !relaxedSimdWanted()
        ? ', without fused multiply-add (TRANSLATE_RELAXED_SIMD=0)'
        : relaxedSimdSupported()
          ? ', relaxed-SIMD fused multiply-add'
          : ', no relaxed SIMD in this engine';
      const winograd = winogradDisabled()
        ? 'off (TRANSLATE_WINOGRAD=0)'
        : `on           3x3 stride-1 convs: F(4x4,3x3) in our wasm SIMD module (32+ channels${fma}), oneDNN on AVX-512 (64+)`;
      io.stdout(`  ${'winograd'.padEnd(15)} ${winograd}\n`);
      const auto = statuses.find((s) => s.available)?.name ?? 'none';
      const withNative = auto === 'wasm' && native.available && !nativeKernelsDisabled() ? ' with the native kernels' : '';
      io.stdout(`--backend auto picks: ${auto}${withNative}\n`);
      io.stdout(`Node ${process.version}, tfjs-core ${tf.version_core}\n`);
      io.stdout(
        `Models: ${listModels()
          .map((m) => m.plugin.name)
          .join(', ')}\n`,
      );
      io.stdout(`Dataset modes: ${datasetModeNames().join(', ')}\n`);
    });
}
