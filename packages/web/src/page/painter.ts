/** GauGAN's label-map painter: a canvas of class ids at the generator's size, painted with a round brush. */
import type { LabelPalette } from '../manifest.js';
import { labelsToRgba } from '../labels.js';
import { el, paint } from './dom.js';

/** The painter's element and its current label ids. */
export interface Painter {
  element: HTMLElement;
  ids: Uint8Array;
  /** Replaces the ids (e.g. from a loaded label map) and redraws. */
  set(ids: Uint8Array): void;
}

/** A painter of height×width labels with a palette row and a brush-size control. */
export function createPainter(palette: LabelPalette, [height, width]: [number, number]): Painter {
  const canvas = el('canvas', { id: 'labels', class: 'view' });
  let ids: Uint8Array = new Uint8Array(width * height);
  let current = 0;
  const brush = el('input', {
    type: 'range',
    min: '1',
    max: String(Math.max(2, Math.round(width / 4))),
    value: String(Math.max(1, Math.round(width / 16))),
  });
  const redraw = () => paint(canvas, labelsToRgba(ids, width, height, palette));
  const swatches = palette.colors.slice(0, palette.classes).map(([r, g, b], id) => {
    const swatch = el('button', { class: 'swatch', title: `class ${id}`, style: `background: rgb(${r},${g},${b})` }, String(id));
    swatch.onclick = () => {
      current = id;
      for (const s of swatches) s.classList.toggle('chosen', s === swatch);
    };
    return swatch;
  });
  swatches[0]?.classList.add('chosen');
  const dab = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const [cx, cy] = [((event.clientX - rect.left) / rect.width) * width, ((event.clientY - rect.top) / rect.height) * height];
    const r = Number(brush.value);
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(height, Math.ceil(cy + r)); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(width, Math.ceil(cx + r)); x++)
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) ids[y * width + x] = current;
    redraw();
  };
  canvas.onpointerdown = (event) => {
    canvas.setPointerCapture(event.pointerId);
    dab(event);
  };
  canvas.onpointermove = (event) => {
    if (canvas.hasPointerCapture(event.pointerId)) dab(event);
  };
  redraw();
  const element = el('div', { class: 'painter' }, el('div', { class: 'palette' }, ...swatches), el('label', {}, 'Brush ', brush), canvas);
  return {
    element,
    get ids() {
      return ids;
    },
    set(next) {
      ids = next;
      redraw();
    },
  };
}
