/** @translate/cli: the `translate` command line, callable in-process. */
export { main } from './main.js';
export { USAGE_ERROR } from './report_error.js';
export type { CliIo } from './io.js';
