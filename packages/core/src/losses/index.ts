/** Losses of translate: GAN losses of every mode, gradient penalty, reconstruction and feature losses. */
export {
  GANLoss,
  GAN_MODES,
  LABEL_GAN_MODES,
  clipWeights,
  type GanMode,
  type GanLossOptions,
  type GanLossCallOptions,
} from './gan_loss.js';
export { F_DIVERGENCES, F_DIVERGENCE_FORMS, type FDivergence, type FDivergenceForms } from './fgan.js';
export { parseTarget, type TargetSpec, type TargetLabel } from './targets.js';
export { finalMaps, type GanPrediction } from './predictions.js';
export { bceWithLogits, stableSoftplus } from './bce.js';
export { gradientPenalty, GRADIENT_PENALTY_TYPES, type GradientPenaltyType, type GradientPenaltyOptions } from './gradient_penalty.js';
export { registerSecondOrderGradients } from './second_order_gradients.js';
export { l1Loss, mseLoss, tvLoss } from './reconstruction.js';
export { kldLoss } from './kld.js';
export { featureMatchingLoss, FEATURE_LOSS_KINDS, type FeatureMatchingOptions } from './feature_matching.js';
export { detach } from './detach.js';
