/**
 * The training loop (`translate train`): epochs `epoch_count … n_epochs + n_epochs_decay`, the
 * model's step per batch, loss log and console lines every `print_freq` images, sample images and
 * `web/index.html` every `display_freq` (both also as TensorBoard events with `--tensorboard`),
 * checkpoints every `save_latest_freq` images and `save_epoch_freq` epochs, LR schedule per epoch.
 * `--continue_train` resumes exactly (weights, Adam moments, epoch, iteration, LR schedule, RNG and
 * image pools); an abort signal (Ctrl-C, SIGTERM, SIGHUP) saves `latest` and returns. One run per
 * experiment folder (a lock); `train_opt.txt` and `loss_log.txt` are written only once the run has
 * the lock and its options and checkpoint are accepted. A failure after a completed step saves
 * `latest` first when the model is between steps, and is rethrown as a {@link TrainingStopped}.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { getModel } from '../model/plugin.js';
import type { BaseModel } from '../model/base_model.js';
import { globalRng } from '../random.js';
import { optBool, optNumber, optString, type Options } from '../options/schema.js';
import { OptionError } from '../errors.js';
import { checkpointLabel, loadCheckpoint, readCheckpointTensors, saveCheckpoint, type TrainingProgress } from './checkpoint.js';
import { disposeBatch, type DataSource } from './data.js';
import { appendLossLog, formatLossLine, lossLogHeader, readLossLog } from './loss_log.js';
import { encodePng, tensorToImage } from './images.js';
import { TensorBoardLog, type EncodedVisual } from './tensorboard_log.js';
import { rejectWandb } from './wandb.js';
import { trainingPage } from './html.js';
import { printNetworks } from './print_networks.js';
import { writeFileAtomic } from './atomic_files.js';
import { acquireExperimentLock, type ExperimentLock } from './experiment_lock.js';
import { atPath, makeFolder } from './fs_path.js';
import { experimentFolder } from './experiment_folder.js';
import { TrainingStopped } from './training_stopped.js';
import { ProgressBar } from './progress.js';
import { LearningRates } from './learning_rates.js';

/** What `trainModel` needs besides options. */
export interface TrainHooks {
  data: DataSource;
  log?: (line: string) => void;
  /** Aborting (Ctrl-C, SIGTERM, SIGHUP; a string reason names it) saves `latest` after the current step and returns. */
  signal?: AbortSignal;
  /** Text of `train_opt.txt` (the CLI formats it with the defaults). */
  optionsText?: string;
}

/** Where a finished (or interrupted) run stopped. */
export interface TrainResult {
  progress: TrainingProgress;
  interrupted: boolean;
  checkpointDir: string;
}

/**
 * Checks of the training options that no single option's range covers, made before any data is
 * read or tensor exists: a `--name` inside `--checkpoints_dir`, and at least one epoch to train (`--epoch_count` up
 * to `--n_epochs + --n_epochs_decay`) unless `--continue_train` takes the epoch from a checkpoint
 * or `--dry_run` trains none. Returns the experiment folder.
 */
export function checkTrainOptions(opt: Options): string {
  const dir = experimentFolder(opt);
  const first = optNumber(opt, 'epoch_count');
  if (first > lastEpoch(opt) && !optBool(opt, 'continue_train') && !optBool(opt, 'dry_run')) throw nothingToTrain(opt, first);
  return dir;
}

/** Trains the `--model` plugin on `hooks.data` with resolved options (`--dry_run`: one step, nothing written). */
export async function trainModel(opt: Options, hooks: TrainHooks): Promise<TrainResult> {
  const dir = checkTrainOptions(opt);
  const log = hooks.log ?? ((line: string) => console.log(line));
  const dryRun = optBool(opt, 'dry_run');
  let lock: ExperimentLock | undefined;
  try {
    rejectWandb(opt, dir);
    if (!dryRun) {
      makeFolder(dir);
      lock = acquireExperimentLock(dir, log);
    }
    const plugin = getModel(optString(opt, 'model'));
    const model = plugin.create(opt, { isTrain: true });
    try {
      await model.setup();
      printNetworks(model.networks, optBool(opt, 'verbose'), log);
      const lr = new LearningRates(opt, model);
      const progress: TrainingProgress = { epoch: optNumber(opt, 'epoch_count'), epochIter: 0, totalIters: 0 };
      const resumed = optBool(opt, 'continue_train') && resume(opt, dir, model, lr, progress, log, plugin.architectureOptions);
      if (dryRun) {
        await dryRunStep(model, lr, hooks.data, progress, log);
        return { progress, interrupted: false, checkpointDir: dir };
      }
      if (progress.epoch > lastEpoch(opt)) throw resumed ? alreadyFinished(opt, dir, progress) : nothingToTrain(opt, progress.epoch);
      if (hooks.optionsText) writeFileAtomic(join(dir, 'train_opt.txt'), hooks.optionsText);
      const loop = new TrainingLoop(opt, dir, model, lr, hooks.data, log, lock!);
      const interrupted = await loop.run(progress, hooks.signal);
      return { progress, interrupted, checkpointDir: dir };
    } finally {
      model.dispose();
    }
  } finally {
    lock?.release();
    await hooks.data.close?.();
  }
}

/** The last epoch a run trains: `--n_epochs + --n_epochs_decay`. */
function lastEpoch(opt: Options): number {
  return optNumber(opt, 'n_epochs') + optNumber(opt, 'n_epochs_decay');
}

function nothingToTrain(opt: Options, first: number): OptionError {
  return new OptionError(
    `Nothing to train: epochs run from ${first} (--epoch_count) to --n_epochs + --n_epochs_decay = ${optNumber(opt, 'n_epochs')} + ${optNumber(opt, 'n_epochs_decay')} = ${lastEpoch(opt)}. Give at least one epoch (e.g. --n_epochs 1), or pass --dry_run to check the set-up without training.`,
  );
}

function alreadyFinished(opt: Options, dir: string, progress: TrainingProgress): OptionError {
  return new OptionError(
    `--continue_train: the run in ${dir} has already finished: its checkpoint '${checkpointLabel(opt)}' is at the end of epoch ${progress.epoch - 1}, and --n_epochs + --n_epochs_decay is ${lastEpoch(opt)}. To train longer, raise --n_epochs or --n_epochs_decay; to test it, run 'translate test' with the same --name.`,
  );
}

/** `--dry_run`: one training step on the first batch (the weights change only in memory), its losses logged. */
async function dryRunStep(
  model: BaseModel,
  lr: LearningRates,
  data: DataSource,
  progress: TrainingProgress,
  log: (line: string) => void,
): Promise<void> {
  lr.applyForEpoch();
  for await (const { batch } of data.epoch(progress.epoch, progress.epochIter)) {
    model.setInput(batch);
    model.optimizeParameters();
    disposeBatch(batch);
    break;
  }
  log(formatLossLine({ epoch: progress.epoch, iters: data.batchSize, time: 0, data: 0, losses: model.currentLosses() }));
  log(
    `Dry run: ${data.size} training images, the networks and one step on the first batch of ${data.batchSize} work; nothing was written.`,
  );
}

/** Restores a checkpoint's full state into `progress`, the model and the schedules; true when it held training state. */
function resume(
  opt: Options,
  dir: string,
  model: BaseModel,
  lr: LearningRates,
  progress: TrainingProgress,
  log: (line: string) => void,
  architectureOptions?: readonly string[],
): boolean {
  const label = checkpointLabel(opt);
  const manifest = loadCheckpoint(dir, label, model, { withOptimizers: true, ...(architectureOptions ? { architectureOptions } : {}) });
  if (!manifest?.progress) {
    log(`Loaded network weights from ${dir} (${label}); no training state found there, so training starts at epoch ${progress.epoch}.`);
    return false;
  }
  Object.assign(progress, manifest.progress);
  const state = manifest.state ?? {};
  if (typeof state.random === 'number') globalRng().setState(state.random);
  if (state.learningRates) lr.restore(state.learningRates);
  model.loadExtraState((key) => readCheckpointTensors(dir, label, key));
  log(`Resuming '${label}' at epoch ${progress.epoch}, ${progress.epochIter} images into it (${progress.totalIters} in total).`);
  return true;
}

/** One run of the loop; holds the timers and report state. */
class TrainingLoop {
  private readonly visualEpochs = new Map<number, string[]>();
  private readonly lossLogPath: string;
  private readonly batchSize: number;
  private events: TensorBoardLog | undefined;
  /** The state after the last step this run completed (what a failure saves), if any. */
  private completed: TrainingProgress | undefined;
  /** True while the model is inside a step (its weights may be half-updated). */
  private inStep = false;
  /** The last `latest` this run saved (what `--continue_train` resumes), as words. */
  private lastSaved: string | undefined;

  constructor(
    private readonly opt: Options,
    private readonly dir: string,
    private readonly model: BaseModel,
    private readonly lr: LearningRates,
    private readonly data: DataSource,
    private readonly log: (line: string) => void,
    private readonly lock: ExperimentLock,
  ) {
    this.lossLogPath = join(dir, 'loss_log.txt');
    this.batchSize = data.batchSize;
  }

  /** Trains until the last epoch or an abort; returns whether it was interrupted. */
  async run(progress: TrainingProgress, signal?: AbortSignal): Promise<boolean> {
    atPath(this.lossLogPath, () => appendLossLog(this.lossLogPath, lossLogHeader()));
    this.events = TensorBoardLog.open(this.opt, this.dir, progress.totalIters);
    try {
      return await this.epochs(progress, signal);
    } catch (error) {
      // Before the first completed step there is nothing to save: the error alone is the message.
      throw this.completed === undefined ? error : new TrainingStopped(error, this.saveOnFailure(this.completed));
    } finally {
      this.events?.close();
    }
  }

  private async epochs(progress: TrainingProgress, signal?: AbortSignal): Promise<boolean> {
    const last = lastEpoch(this.opt);
    const bar = new ProgressBar((last - progress.epoch + 1) * this.data.size - progress.epochIter);
    for (; progress.epoch <= last; progress.epoch++, progress.epochIter = 0) {
      const epochStart = Date.now();
      const epochLoss = { sum: 0, steps: 0 };
      this.lr.applyForEpoch();
      for await (const { batch, waitMs } of this.data.epoch(progress.epoch, progress.epochIter)) {
        const stepStart = Date.now();
        const previous = progress.totalIters;
        progress.totalIters += this.batchSize;
        progress.epochIter += this.batchSize;
        this.inStep = true;
        this.model.setInput(batch);
        this.model.optimizeParameters();
        disposeBatch(batch);
        this.inStep = false;
        this.completed = { ...progress };
        epochLoss.sum += Object.values(this.model.currentLosses()).reduce((a, b) => a + b, 0);
        epochLoss.steps++;
        const computeSeconds = (Date.now() - stepStart) / 1000 / this.batchSize;
        bar.advance(this.batchSize, `epoch ${progress.epoch}/${last}`);
        const crossed = (freq: number) => freq > 0 && Math.floor(previous / freq) !== Math.floor(progress.totalIters / freq);
        if (crossed(optNumber(this.opt, 'display_freq'))) await this.display(progress, crossed(optNumber(this.opt, 'update_html_freq')));
        if (crossed(optNumber(this.opt, 'print_freq'))) {
          bar.clear();
          this.printLosses(progress, computeSeconds, waitMs / 1000 / this.batchSize);
        }
        if (crossed(optNumber(this.opt, 'save_latest_freq'))) {
          const label = optBool(this.opt, 'save_by_iter') ? `iter_${progress.totalIters}` : 'latest';
          this.save(label, progress);
          this.log(`saving the latest model (epoch ${progress.epoch}, total_iters ${progress.totalIters}) as '${label}'`);
        }
        if (signal?.aborted) {
          bar.clear();
          this.save('latest', progress);
          const by = typeof signal.reason === 'string' ? ` by ${signal.reason}` : '';
          this.log(
            `Interrupted${by}: saved checkpoint 'latest' at epoch ${progress.epoch}, ${progress.epochIter} images into it. Resume with --continue_train.`,
          );
          return true;
        }
      }
      bar.clear();
      // `plateau` follows the model's metric when it sets one, else the epoch's mean summed loss.
      this.log(this.lr.endEpoch(this.model.metric ?? (epochLoss.steps > 0 ? epochLoss.sum / epochLoss.steps : undefined)));
      const next: TrainingProgress = { epoch: progress.epoch + 1, epochIter: 0, totalIters: progress.totalIters };
      if (this.completed) this.completed = next;
      if (progress.epoch % optNumber(this.opt, 'save_epoch_freq') === 0 || progress.epoch === last) {
        this.log(`saving the model at the end of epoch ${progress.epoch}, iters ${progress.totalIters}`);
        this.save('latest', next);
        this.save(String(progress.epoch), next);
      }
      this.log(`End of epoch ${progress.epoch} / ${last} \t Time Taken: ${((Date.now() - epochStart) / 1000).toFixed(0)} sec`);
    }
    return false;
  }

  private save(label: string, progress: TrainingProgress): void {
    saveCheckpoint(this.dir, label, this.model, {
      progress: { ...progress },
      state: { random: globalRng().getState(), learningRates: this.lr.state() },
      tensors: this.model.saveExtraState(),
    });
    if (label === 'latest') this.lastSaved = `'latest' at epoch ${progress.epoch}, ${progress.epochIter} images into it`;
    this.lock.refresh();
  }

  /** After a failure: saves `latest` at `completed` when the model is between steps; says what was saved or kept. */
  private saveOnFailure(completed: TrainingProgress): string {
    const kept = this.lastSaved
      ? `the last good checkpoint (${this.lastSaved}) is kept`
      : 'no checkpoint was saved in this run; any earlier one is kept';
    if (this.inStep)
      return `The failure came in the middle of a training step, so its half-updated weights were not saved; ${kept}. Resume with --continue_train.`;
    try {
      this.save('latest', completed);
    } catch (error) {
      return `Could not save checkpoint 'latest' (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); ${kept}. Resume with --continue_train.`;
    }
    return `Saved checkpoint ${this.lastSaved} before stopping. Resume with --continue_train.`;
  }

  /** The loss line (console and `loss_log.txt`) and, with `--tensorboard`, the same losses at step `totalIters`. */
  private printLosses(progress: TrainingProgress, time: number, data: number): void {
    const losses = this.model.currentLosses();
    const line = formatLossLine({ epoch: progress.epoch, iters: progress.epochIter, time, data, losses });
    this.log(line);
    atPath(this.lossLogPath, () => appendLossLog(this.lossLogPath, line));
    this.events?.losses(progress.totalIters, losses);
  }

  /** The current visuals as TensorBoard images (with `--tensorboard`) and, unless `--no_html`, `web/` images and page when `updateHtml` (update_html_freq) or none is written yet, as the reference. */
  private async display(progress: TrainingProgress, updateHtml: boolean): Promise<void> {
    const html = !optBool(this.opt, 'no_html');
    if (!html && this.events === undefined) return;
    this.model.computeVisuals();
    const visuals = await Promise.all(
      Object.entries(this.model.currentVisuals()).map(async ([name, tensor]): Promise<EncodedVisual> => {
        const image = tensorToImage(tensor);
        return { name, image, png: await encodePng(image) };
      }),
    );
    this.events?.images(progress.totalIters, visuals);
    if (html && (updateHtml || this.visualEpochs.size === 0)) this.writeWebPage(progress.epoch, visuals);
  }

  /** Saves `web/images/epochNNN_<visual>.png` and rewrites `web/index.html`. */
  private writeWebPage(epoch: number, visuals: readonly EncodedVisual[]): void {
    const web = join(this.dir, 'web');
    makeFolder(join(web, 'images'));
    for (const { name, png } of visuals) {
      const path = join(web, 'images', `epoch${String(epoch).padStart(3, '0')}_${name}.png`);
      atPath(path, () => writeFileSync(path, png));
    }
    this.visualEpochs.set(
      epoch,
      visuals.map(({ name }) => name),
    );
    const epochs = [...this.visualEpochs].map(([e, names]) => ({ epoch: e, visuals: names }));
    const html = trainingPage({
      name: optString(this.opt, 'name'),
      epochs,
      losses: readLossLog(this.lossLogPath),
      width: optNumber(this.opt, 'display_winsize'),
    });
    writeFileAtomic(join(web, 'index.html'), html);
  }
}
