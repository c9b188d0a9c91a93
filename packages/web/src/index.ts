/** `@translate/web`: translate's inference path for the browser (being written). */
export {};
