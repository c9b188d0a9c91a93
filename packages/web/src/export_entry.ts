/**
 * `@translate/web/export`: what the exporter (Node) shares with the page, without the backends or
 * networks: the manifest types and the float16 encoding.
 */
export * from './manifest.js';
export { floatToHalf, halfBytes } from './float16.js';
