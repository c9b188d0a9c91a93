export { disposeBatch, type DataSource, type TimedBatch } from './data.js';
export { checkTrainOptions, trainModel, type TrainHooks, type TrainResult } from './train.js';
export { TrainingStopped } from './training_stopped.js';
export { acquireExperimentLock, LOCK_FILE, STALE_LOCK_MS, type ExperimentLock } from './experiment_lock.js';
export { testModel, type TestHooks, type TestResult } from './test.js';
export { openTrainedModel, type TrainedModel } from './trained_model.js';
export {
  checkpointLabel,
  saveCheckpoint,
  loadCheckpoint,
  readManifest,
  readCheckpointTensors,
  readCheckpointWeights,
  ARCHITECTURE_OPTIONS,
  type LoadCheckpointOptions,
  type CheckpointManifest,
  type CheckpointExtras,
  type TrainingProgress,
} from './checkpoint.js';
export { commitFiles, recoverCommits, writeFileAtomic } from './atomic_files.js';
export { tensorToImage, writePng, type Image8 } from './images.js';
export { formatLossLine, lossLogHeader, readLossLog, type LossRecord } from './loss_log.js';
export { readWeightsFile, parseWeightsFile, isSafetensorsPath, type WeightsFile, type WeightsFormat } from './weights_file.js';
export { atPath, makeFolder } from './fs_path.js';
