/**
 * The esbuild options of the browser bundle, shared by the build and the bundle test: browser
 * platform (Node builtins are unresolvable, so reaching one fails the build), the `browser` export
 * condition (core's browser entry) and an IIFE (classic scripts run from file://).
 */
export function browserBuildOptions() {
  return {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    conditions: ['browser'],
    logLevel: 'silent',
    legalComments: 'none',
  };
}
