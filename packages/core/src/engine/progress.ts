/** Training progress: an in-place bar with iterations/s and ETA on a TTY, nothing extra elsewhere. */

/** Renders progress for interactive terminals; a no-op when output is not a TTY (CI logs stay plain). */
export class ProgressBar {
  private readonly started = Date.now();
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream | null = process.stderr.isTTY ? process.stderr : null,
  ) {}

  /** Records `images` more trained images and redraws. */
  advance(images: number, label: string): void {
    this.done += images;
    if (!this.stream) return;
    const seconds = (Date.now() - this.started) / 1000;
    const rate = this.done / Math.max(seconds, 1e-9);
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    const width = 24;
    const filled = Math.round((Math.min(this.done, this.total) / Math.max(this.total, 1)) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.stream.write(`\r${label} ${bar} ${this.done}/${this.total} ${rate.toFixed(2)} it/s ETA ${formatSeconds(eta)}   `);
  }

  /** Ends the bar's line so that log lines print below it. */
  clear(): void {
    this.stream?.write('\r\x1b[K');
  }
}

/** h:mm:ss. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
