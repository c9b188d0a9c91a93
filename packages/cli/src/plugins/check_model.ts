/**
 * Checks of the model object a plugin's `create` returns, which only exist once it is built: a
 * plugin written in JavaScript (or built against another copy of @translate/core) can miss what
 * the TypeScript types demand.
 */
import { BaseModel } from '@translate/core';
import { describeValue } from './describe_value.js';

const STEP_HINT =
  "the training step: define backwardD() and backwardG() (each returns that update's loss), or override optimizeParameters()";

/** What is wrong with `model` as a model of this translate (empty when nothing is). */
export function modelInstanceProblems(model: unknown, isTrain: boolean): string[] {
  if (!(model instanceof BaseModel)) {
    const looksLikeModel = model !== null && typeof model === 'object' && typeof (model as { setInput?: unknown }).setInput === 'function';
    return [
      looksLikeModel
        ? 'create() returned a model built on another copy of @translate/core than the one translate runs. Make @translate/core a peerDependency of the plugin so that both use one copy.'
        : `create() must return a BaseModel (got ${describeValue(model)}).`,
    ];
  }
  const methods: Array<[string, string]> = [
    ['setInput', 'it takes a batch'],
    ['forward', 'it computes the visuals'],
    ...(isTrain ? ([['optimizeParameters', STEP_HINT]] as Array<[string, string]>) : []),
  ];
  const problems = methods
    .filter(([name]) => typeof (model as unknown as Record<string, unknown>)[name] !== 'function')
    .map(([name, role]) => `the model has no ${name}() method (${role}).`);
  if (isTrain) problems.push(...model.missingBackwardSteps().map((name) => `the model has no ${name}() method (${STEP_HINT}).`));
  for (const field of ['lossNames', 'visualNames'] as const) {
    const value: unknown = model[field];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      problems.push(`'${field}' must be a list of names (got ${describeValue(value)}).`);
  }
  return problems;
}
