/** `loss_log.txt` in the reference's line format, and parsing it back for the loss chart. */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One logged point. */
export interface LossRecord {
  epoch: number;
  iters: number;
  time: number;
  data: number;
  losses: Record<string, number>;
}

/** strftime('%c') in the C locale, as the reference's header uses. */
function cDate(d: Date): string {
  const day = d.toLocaleDateString('en-US', { weekday: 'short' });
  const month = d.toLocaleDateString('en-US', { month: 'short' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} ${month} ${String(d.getDate()).padStart(2, ' ')} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${d.getFullYear()}`;
}

/** The reference's header line, written at the start of every run. */
export function lossLogHeader(now = new Date()): string {
  return `================ Training Loss (${cDate(now)}) ================`;
}

/** `(epoch: E, iters: I, time: T, data: D) name: v name: v ` — time and data per image, 3 decimals. */
export function formatLossLine(record: LossRecord): string {
  const losses = Object.entries(record.losses)
    .map(([k, v]) => `${k}: ${v.toFixed(3)} `)
    .join('');
  return `(epoch: ${record.epoch}, iters: ${record.iters}, time: ${record.time.toFixed(3)}, data: ${record.data.toFixed(3)}) ${losses}`;
}

/** Appends a line to the log file. */
export function appendLossLog(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${line}\n`);
}

const LINE = /^\(epoch: (\d+), iters: (\d+), time: ([\d.]+), data: ([\d.]+)\) (.*)$/;

/** Every loss line of a log file (all runs, in order). */
export function readLossLog(path: string): LossRecord[] {
  if (!existsSync(path)) return [];
  const records: LossRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const losses: Record<string, number> = {};
    for (const pair of m[5]!.matchAll(/([\w.]+): (-?[\d.]+(?:e[-+]?\d+)?|nan|inf|-inf)/g)) losses[pair[1]!] = Number(pair[2]);
    records.push({ epoch: Number(m[1]), iters: Number(m[2]), time: Number(m[3]), data: Number(m[4]), losses });
  }
  return records;
}
