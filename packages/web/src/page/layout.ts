/** The page's elements and how they are arranged: controls, status line, and the input/output views. */
import type { WebManifest } from '../manifest.js';
import { el } from './dom.js';
import { createPainter, type Painter } from './painter.js';

/** Every element the page controller reads or writes. */
export interface PageElements {
  root: HTMLElement;
  status: HTMLElement;
  backend: HTMLElement;
  progress: HTMLProgressElement;
  picker: HTMLInputElement;
  direction: HTMLSelectElement;
  translate: HTMLButtonElement;
  download: HTMLButtonElement;
  input: HTMLCanvasElement;
  output: HTMLCanvasElement;
  /** GauGAN's label-map painter (null for photo models). */
  painter: Painter | null;
}

/** Builds the page for `manifest`: a direction select for several generators, a painter for label maps, a before/after slider for super-resolution. */
export function buildLayout(manifest: WebManifest): PageElements {
  const pre = manifest.networks[0]!.preprocessing;
  const e: PageElements = {
    root: el('main'),
    status: el('span', { id: 'status' }, 'Starting…'),
    backend: el('span', { id: 'backend' }),
    progress: el('progress', { id: 'progress', max: '1', value: '0' }),
    picker: el('input', { id: 'file', type: 'file', accept: 'image/*' }),
    direction: el('select', { id: 'direction' }, ...manifest.networks.map((n) => el('option', { value: n.name }, n.label))),
    translate: el('button', { id: 'translate' }, 'Translate'),
    download: el('button', { id: 'download', disabled: '' }, 'Download PNG'),
    input: el('canvas', { id: 'input', class: 'view' }),
    output: el('canvas', { id: 'output', class: 'view' }),
    painter: manifest.palette && pre.fixedSize ? createPainter(manifest.palette, pre.fixedSize) : null,
  };
  const title = el('h1', {}, `${manifest.name} `, el('small', {}, manifest.model + (pre.scale > 1 ? ` ×${pre.scale}` : '')));
  const controls = el('div', { class: 'controls' }, el('label', {}, e.painter ? 'Label map ' : 'Photo ', e.picker));
  if (manifest.networks.length > 1) controls.append(el('label', {}, 'Direction ', e.direction));
  if (e.painter) controls.append(e.translate);
  controls.append(e.download);
  const info = el('div', { class: 'info' }, e.status, ' ', e.progress, ' Backend: ', e.backend);
  e.root.append(title, controls, info, pre.scale > 1 ? compareView(e, pre.scale) : sideBySide(e));
  return e;
}

function sideBySide(e: PageElements): HTMLElement {
  const figure = (content: HTMLElement, caption: string) => el('figure', {}, content, el('figcaption', {}, caption));
  return el('div', { class: 'side' }, figure(e.painter?.element ?? e.input, 'Input'), figure(e.output, 'Output'));
}

/** The output with the input stretched over it, clipped at a slider's position. */
function compareView(e: PageElements, scale: number): HTMLElement {
  const slider = el('input', { id: 'slider', type: 'range', min: '0', max: '100', value: '50' });
  const before = el('div', { class: 'before' }, e.input);
  const clip = () => before.style.setProperty('clip-path', `inset(0 ${100 - Number(slider.value)}% 0 0)`);
  slider.addEventListener('input', clip);
  clip();
  return el(
    'div',
    { class: 'compare' },
    el('div', { class: 'stack' }, e.output, before),
    el('label', {}, `Before (input, ×${scale} nearest) | after `, slider),
  );
}
