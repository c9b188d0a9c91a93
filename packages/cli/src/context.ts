/** What every command of one CLI run shares. */
import type { CliIo } from './io.js';

/** The run's streams, its raw arguments, the command being run, and the exit code it sets. */
export interface CliContext {
  io: CliIo;
  argv: readonly string[];
  /** The subcommand named in argv (`translate help train` names `train`). */
  invoked: string | undefined;
  exitCode: number;
}
