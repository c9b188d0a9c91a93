/**
 * Names the reference accepts that translate answers with advice instead of "unknown": the
 * reference's templates, which are files to copy, where translate writes the starting point for you.
 */

/** Advice by kind (as `unknownNameMessage` names it) and name. */
const ADVICE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  model: {
    template:
      "the reference's `--model template` (models/template_model.py) is a model to copy and edit. translate writes that starting point as a plugin package: run `translate new-model <name>`, then `translate train --plugin <name> --model <name> --dataroot <dataset>`.",
  },
  'dataset mode': {
    template:
      'the reference\'s `--dataset_mode template` (data/template_dataset.py) is a dataset to copy and edit. In translate a new dataset mode is part of a plugin package: run `translate new-model <name>` and add your mode to its `datasetModes` (docs/writing-a-model-plugin.md, "Dataset modes"), then pass `--plugin <name> --dataset_mode <your mode>`.',
  },
};

/** What to tell a user who asks for the reference's `name` of `kind` ('model', 'dataset mode'), or undefined. */
export function referenceNameAdvice(kind: string, name: string): string | undefined {
  return ADVICE[kind]?.[name];
}
