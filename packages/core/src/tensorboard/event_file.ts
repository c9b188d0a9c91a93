/**
 * Writing a TensorBoard event file: `events.out.tfevents.<unix seconds>.<hostname>.<pid>` (the
 * names TensorFlow and PyTorch give theirs, which TensorBoard reads in name order), whose first
 * record is the file-version event. Every event is written straight to the file (no buffer), so a
 * run that is killed keeps all it logged.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, FILE_VERSION, type TensorBoardEvent } from './event.js';
import { frameRecord } from './tfrecord.js';

/** An open event file. */
export class EventFileWriter {
  private constructor(
    /** The file's path. */
    readonly path: string,
    private readonly fd: number,
  ) {}

  /**
   * Creates a new event file in `dir` (creating the folder) and writes the file-version event.
   * A name already taken (two files in one second from one process) gets `.1`, `.2`, … appended.
   */
  static create(dir: string, now = new Date()): EventFileWriter {
    mkdirSync(dir, { recursive: true });
    const seconds = Math.floor(now.getTime() / 1000);
    const base = join(dir, `events.out.tfevents.${String(seconds).padStart(10, '0')}.${hostname()}.${process.pid}`);
    const writer = new EventFileWriter(...openNew(base));
    writer.write({ wallTime: now.getTime() / 1000, step: 0, fileVersion: FILE_VERSION });
    return writer;
  }

  /** Appends one event record. */
  write(event: TensorBoardEvent): void {
    const record = frameRecord(encodeEvent(event));
    let written = 0;
    while (written < record.length) written += writeSync(this.fd, record, written);
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }
}

/** Creates `base`, or `base.1`, `base.2`, … when taken; returns the path and its descriptor. */
function openNew(base: string): [string, number] {
  for (let n = 0; ; n++) {
    const path = n === 0 ? base : `${base}.${n}`;
    try {
      return [path, openSync(path, 'wx')];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
