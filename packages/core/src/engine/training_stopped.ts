/** A training run that stopped on an error, with what happened to its checkpoints. */

/**
 * Wraps the error that stopped a run after it began; `note` says whether `latest` was saved first
 * or which checkpoint is kept. The CLI reports `cause` as usual, then the note.
 */
export class TrainingStopped extends Error {
  constructor(
    override readonly cause: unknown,
    readonly note: string,
  ) {
    super(`${cause instanceof Error ? cause.message : String(cause)}\n${note}`, { cause });
    this.name = 'TrainingStopped';
  }
}
