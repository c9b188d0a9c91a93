/** What the page needs to know to feed an exported generator: input kind, range, sizes and tiling. */
import { OptionError, optBool, optNumber, type Module, type Options } from '@translate/core';
import { labelColormap } from '@translate/model-gaugan';
import type { GeneratorClass, LabelPalette, Preprocessing } from '@translate/web/export';

/** Tile side of fully convolutional image generators: large enough to amortise overhead, small enough for phones. */
const IMAGE_TILE = 256;
/** Overlap of neighbouring tiles for generators whose receptive field exceeds any practical overlap. */
const IMAGE_OVERLAP = 64;

/** The constructor options of the generator classes that preprocessing depends on. */
export interface GeneratorArchitecture {
  inputNc?: number;
  outputNc?: number;
  semanticNc?: number;
  numDowns?: number;
  nDownsample?: number;
  scale?: number;
}

/** The preprocessing of a generator of class `cls` (its constructor options `arch`) trained with `opt`. */
export function preprocessingOf(cls: GeneratorClass, module: Module<any, any>, arch: GeneratorArchitecture, opt: Options): Preprocessing {
  if (arch.outputNc !== undefined && arch.outputNc !== 1 && arch.outputNc !== 3) {
    throw new OptionError(
      `--format web shows RGB or gray outputs; this generator makes ${arch.outputNc} channels (e.g. colorization's ab), which a page cannot show.`,
    );
  }
  const image = {
    input: 'image',
    range: 'tanh',
    inputChannels: arch.inputNc ?? 3,
    outputChannels: arch.outputNc ?? 3,
    scale: 1,
    fixedSize: null,
  } as const;
  switch (cls) {
    case 'ResnetGenerator':
      return { ...image, sizeMultiple: 4, tile: IMAGE_TILE, overlap: IMAGE_OVERLAP };
    case 'UnetGenerator': {
      const multiple = 2 ** arch.numDowns!;
      return {
        ...image,
        sizeMultiple: multiple,
        tile: Math.max(multiple, Math.ceil(optNumber(opt, 'crop_size') / multiple) * multiple),
        overlap: Math.max(1, multiple / 4),
      };
    }
    case 'SRResNetGenerator': {
      const radius = (module as unknown as { receptiveRadius(): number }).receptiveRadius();
      const overlap = 4 * radius;
      return { ...image, range: 'unit', scale: arch.scale!, sizeMultiple: 1, tile: Math.max(128, 3 * overlap), overlap };
    }
    case 'SPADEGenerator':
    case 'Pix2PixHDGenerator': {
      const [height, width] = labelSize(module, opt);
      return {
        ...image,
        input: 'labels',
        inputChannels: arch.semanticNc!,
        sizeMultiple: 1,
        fixedSize: [height, width],
        tile: 0,
        overlap: 0,
      };
    }
  }
}

function labelSize(module: Module<any, any>, opt: Options): [number, number] {
  const size = (module as unknown as { outputSize?: [number, number] }).outputSize;
  if (size) return size;
  const crop = optNumber(opt, 'crop_size');
  return [Math.round(crop / optNumber(opt, 'aspect_ratio')), crop];
}

/** GauGAN's classes and colours (label_nc + contain_dontcare_label one-hot channels). */
export function paletteOf(opt: Options): LabelPalette {
  const classes = optNumber(opt, 'label_nc') + (optBool(opt, 'contain_dontcare_label') ? 1 : 0);
  return { classes, noInstance: optBool(opt, 'no_instance'), colors: labelColormap(classes) };
}

/** What the page calls a network: CycleGAN's directions, else its name. */
export function networkLabel(model: string, name: string): string {
  if (model === 'cyclegan' && name === 'G_A') return 'A → B (G_A)';
  if (model === 'cyclegan' && name === 'G_B') return 'B → A (G_B)';
  return name;
}
