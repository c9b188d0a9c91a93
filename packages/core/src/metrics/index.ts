/** Image-quality metrics: PSNR, SSIM and the super-resolution protocol (Y channel, border shave). */
export * from './image.js';
export * from './psnr.js';
export * from './ssim.js';
export * from './sr_protocol.js';
