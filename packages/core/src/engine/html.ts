/**
 * The HTML reports users of the reference know: the training page (`web/index.html`: one row of
 * sample images per epoch, newest first, plus our inline-SVG loss chart) and the results page
 * (`results/<name>/<phase>_<epoch>/index.html`). Static files, no server.
 */
import type { LossRecord } from './loss_log.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One row of linked images with captions. */
function imageRow(images: ReadonlyArray<{ src: string; label: string }>, width: number): string {
  const cells = images
    .map(
      ({ src, label }) =>
        `<td halign="center" style="word-wrap: break-word;" valign="top"><p><a href="${escapeHtml(src)}"><img style="width:${width}px" src="${escapeHtml(src)}"></a><br><p>${escapeHtml(label)}</p></p></td>`,
    )
    .join('');
  return `<table border="1" style="table-layout: fixed;"><tr>${cells}</tr></table>`;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** An SVG line chart of every loss over logged points (x = point index, labelled by epoch). */
export function lossChartSvg(records: readonly LossRecord[], width = 720, height = 260): string {
  if (records.length === 0) return '';
  const names = [...new Set(records.flatMap((r) => Object.keys(r.losses)))];
  const values = records.flatMap((r) => Object.values(r.losses).filter(Number.isFinite));
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const span = hi - lo || 1;
  const [left, right, top, bottom] = [48, 130, 12, 28];
  const x = (i: number) => left + (records.length === 1 ? 0 : (i / (records.length - 1)) * (width - left - right));
  const y = (v: number) => top + (1 - (v - lo) / span) * (height - top - bottom);
  const lines = names.map((name, k) => {
    const points = records
      .map((r, i) => (Number.isFinite(r.losses[name]) ? `${x(i).toFixed(1)},${y(r.losses[name]!).toFixed(1)}` : ''))
      .filter(Boolean)
      .join(' ');
    const color = PALETTE[k % PALETTE.length]!;
    return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points}"/><text x="${width - right + 8}" y="${top + 14 * (k + 1)}" fill="${color}" font-size="12">${escapeHtml(name)}</text>`;
  });
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#999"/><line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#999"/>`;
  const labels =
    `<text x="4" y="${top + 10}" font-size="11">${hi.toPrecision(3)}</text><text x="4" y="${height - bottom}" font-size="11">${lo.toPrecision(3)}</text>` +
    `<text x="${left}" y="${height - 8}" font-size="11">epoch ${records[0]!.epoch}</text><text x="${width - right - 60}" y="${height - 8}" font-size="11">epoch ${records.at(-1)!.epoch}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="training losses">${axis}${labels}${lines.join('')}</svg>`;
}

/** `web/index.html` of a training run. */
export function trainingPage(options: {
  name: string;
  epochs: ReadonlyArray<{ epoch: number; visuals: readonly string[] }>;
  losses: readonly LossRecord[];
  width: number;
}): string {
  const rows = [...options.epochs]
    .sort((a, b) => b.epoch - a.epoch)
    .map(({ epoch, visuals }) => {
      const images = visuals.map((v) => ({ src: `images/epoch${String(epoch).padStart(3, '0')}_${v}.png`, label: v }));
      return `<h3>epoch [${epoch}]</h3>${imageRow(images, options.width)}`;
    });
  return page(`Experiment name = ${options.name}`, `<h3>Losses</h3>${lossChartSvg(options.losses)}${rows.join('\n')}`, true);
}

/** `index.html` of a test run: one header and image row per input. */
export function resultsPage(options: {
  title: string;
  rows: ReadonlyArray<{ name: string; images: ReadonlyArray<{ src: string; label: string }> }>;
  width: number;
}): string {
  return page(
    options.title,
    options.rows.map((r) => `<h3>${escapeHtml(r.name)}</h3>${imageRow(r.images, options.width)}`).join('\n'),
    false,
  );
}

function page(title: string, body: string, refresh: boolean): string {
  const meta = refresh ? '<meta http-equiv="refresh" content="1">' : '';
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${meta}</head><body>\n${body}\n</body></html>\n`;
}
