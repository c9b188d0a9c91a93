/**
 * Colorization (`--model colorization`), as the reference's `ColorizationModel`: pix2pix from the
 * L channel of a Lab image (A) to its ab channels (B), trained on the `colorization` dataset. Its
 * visuals are the input L and the true and generated images converted back to RGB.
 */
import { OptionError, optNumber, type ModelEnvironment, type Options } from '@translate/core';
import { colorizationToRgb } from './lab_to_rgb.js';
import { Pix2PixModel } from './pix2pix_model.js';

/** The colorization model object; see the module comment. */
export class ColorizationModel extends Pix2PixModel {
  override readonly visualNames: readonly string[] = ['real_A', 'real_B_rgb', 'fake_B_rgb'];
  override readonly evaluatedVisuals = { fake: 'fake_B_rgb', real: 'real_B_rgb' };

  constructor(opt: Options, env: ModelEnvironment) {
    const [inputNc, outputNc] = [optNumber(opt, 'input_nc'), optNumber(opt, 'output_nc')];
    if (inputNc !== 1 || outputNc !== 2) {
      throw new OptionError(
        `--model colorization maps the L channel to the ab channels of Lab images, so it needs --input_nc 1 --output_nc 2 (the colorization dataset's defaults); got --input_nc ${inputNc} --output_nc ${outputNc}. Use --dataset_mode colorization and leave these flags out.`,
      );
    }
    super(opt, env);
  }

  /** `real_B_rgb` and `fake_B_rgb`: L with the true and with the generated ab, as RGB. */
  override computeVisuals(): void {
    const realA = this.visual('real_A');
    for (const [name, ab] of [
      ['real_B_rgb', 'real_B'],
      ['fake_B_rgb', 'fake_B'],
    ] as const) {
      const rgb = colorizationToRgb(realA, this.visual(ab));
      this.setVisual(name, rgb);
      rgb.dispose();
    }
  }
}
