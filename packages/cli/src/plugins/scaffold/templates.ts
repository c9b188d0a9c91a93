/**
 * The files of a plugin package written by `translate new-model`: a small conditional GAN for
 * paired images that uses only `@translate/core`'s public API, a test that trains it two steps,
 * a README, package.json and tsconfig.json.
 */
import type { CoreDependency } from './core_dependency.js';

/** What the templates are filled with. */
export interface ScaffoldNames {
  /** The `--model` name, e.g. `my_gan`. */
  model: string;
  /** The model class, e.g. `MyGanModel`. */
  className: string;
  /** The npm package name, e.g. `translate-model-my-gan`. */
  packageName: string;
  core: CoreDependency;
}

/** TypeScript and Node types the generated package builds with (the versions translate builds with). */
const TYPESCRIPT_VERSION = '5.9.3';
const NODE_TYPES_VERSION = '20.19.43';

/** Every file of the package by relative path. */
export function scaffoldFiles(names: ScaffoldNames): Record<string, string> {
  return {
    'package.json': packageJson(names),
    'tsconfig.json': TSCONFIG,
    '.gitignore': 'node_modules/\ndist/\ncheckpoints/\nresults/\n',
    'src/index.ts': modelSource(names),
    [`test/${names.model}.test.ts`]: testSource(names),
    'README.md': readme(names),
  };
}

function packageJson({ model, packageName, core }: ScaffoldNames): string {
  const manifest = {
    name: packageName,
    version: '0.1.0',
    description: `The ${model} model plugin for translate.`,
    type: 'module',
    license: 'MIT',
    keywords: ['translate-plugin'],
    main: './dist/src/index.js',
    types: './dist/src/index.d.ts',
    exports: { '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' } },
    files: ['dist/src'],
    scripts: { build: 'tsc', test: `tsc && node --test dist/test/${model}.test.js` },
    peerDependencies: { '@translate/core': core.peer },
    devDependencies: { '@translate/core': core.dev, '@types/node': NODE_TYPES_VERSION, typescript: TYPESCRIPT_VERSION },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noImplicitOverride: true,
      declaration: true,
      skipLibCheck: true,
      rootDir: '.',
      outDir: 'dist',
      types: ['node'],
    },
    include: ['src', 'test'],
  },
  null,
  2,
)}\n`;

function modelSource({ model, className }: ScaffoldNames): string {
  return `/**
 * The \`${model}\` model plugin for translate: a small conditional GAN for paired images
 * (\`--dataset_mode aligned\`). G translates A into B; D judges (A, B) pairs. Each training step
 * updates D on real and generated pairs, then G with the GAN loss plus lambda_L1 * L1(G(A), B).
 *
 * Written by \`translate new-model ${model}\`; it uses only the public API of @translate/core.
 */
import {
  BaseModel, GANLoss, afterDiscriminatorUpdate, discriminatorFromOptions, discriminatorPenalty, ganLossFromOptions, generatorFromOptions,
  l1Loss, optNumber, tf, type Batch, type ModelEnvironment, type ModelPlugin, type Options,
} from '@translate/core';

/** The ${model} model: networks G and D; losses G_GAN, G_L1, D_real and D_fake. */
export class ${className} extends BaseModel {
  readonly lossNames = ['G_GAN', 'G_L1', 'D_real', 'D_fake'];
  readonly visualNames = ['real_A', 'fake_B', 'real_B'];
  /** Set when training only (testing builds G alone). */
  private readonly criterionGAN!: GANLoss;
  private readonly lambdaL1: number = 0;

  constructor(opt: Options, env: ModelEnvironment) {
    super(opt, env);
    const inputNc = optNumber(opt, 'input_nc');
    const outputNc = optNumber(opt, 'output_nc');
    this.addNetwork('G', generatorFromOptions(opt, { inputNc, outputNc }));
    if (!env.isTrain) return;
    this.addNetwork('D', discriminatorFromOptions(opt, inputNc + outputNc));
    this.criterionGAN = ganLossFromOptions(opt);
    this.lambdaL1 = optNumber(opt, 'lambda_L1');
    const adam = { lr: optNumber(opt, 'lr'), beta1: optNumber(opt, 'beta1'), beta2: 0.999 };
    this.addOptimizer('G', ['G'], adam);
    this.addOptimizer('D', ['D'], adam);
  }

  /** Keeps the input A and the target B (the dataset has already applied --direction). */
  override setInput(batch: Batch): void {
    this.setVisual('real_A', batch.A as tf.Tensor4D);
    if (batch.B) this.setVisual('real_B', batch.B as tf.Tensor4D);
    this.imagePaths = (batch.A_paths as string[] | undefined) ?? [];
  }

  /** fake_B = G(real_A). */
  override forward(): void {
    this.setVisual('fake_B', this.network('G').forward(this.visual('real_A'), this.ctx()));
  }

  /** One training step: D first, then G (each \`optimize\` updates only its optimizer's networks). */
  override optimizeParameters(): void {
    this.forwardPass();
    this.optimize('D', () => this.backwardD());
    afterDiscriminatorUpdate(this.criterionGAN, [this.network('D')]);
    this.optimize('G', () => this.backwardG());
  }

  /** D's loss: 0.5 * (GAN(D(A+G(A)), fake) + GAN(D(A+B), real)), plus the WGAN-GP penalty when --gan_mode wgangp. */
  override backwardD(): tf.Scalar {
    const D = this.network('D');
    const realA = this.visual('real_A');
    const fakeAB = tf.concat([realA, this.visual('fake_B')], 3);
    const realAB = tf.concat([realA, this.visual('real_B')], 3);
    const lossFake = this.criterionGAN.loss(D.forward(fakeAB, this.ctx()), false);
    const lossReal = this.criterionGAN.loss(D.forward(realAB, this.ctx()), true);
    this.setLoss('D_fake', lossFake);
    this.setLoss('D_real', lossReal);
    const loss = tf.mul(tf.add(lossFake, lossReal), 0.5) as tf.Scalar;
    const penalty = discriminatorPenalty(this.criterionGAN, D, realAB, fakeAB, this.ctx());
    return penalty ? (tf.add(loss, penalty) as tf.Scalar) : loss;
  }

  /** G's loss: GAN(D(A+G(A)), real) + lambda_L1 * L1(G(A), B), with G(A) recomputed under the forward pass's dropout masks. */
  override backwardG(): tf.Scalar {
    this.replayForward(() => this.forward());
    const fakeB = this.visual('fake_B');
    const pred = this.network('D').forward(tf.concat([this.visual('real_A'), fakeB], 3), this.ctx());
    const lossGAN = this.criterionGAN.loss(pred, true, { forDiscriminator: false });
    const lossL1 = tf.mul(l1Loss(fakeB, this.visual('real_B')), this.lambdaL1) as tf.Scalar;
    this.setLoss('G_GAN', lossGAN);
    this.setLoss('G_L1', lossL1);
    return tf.add(lossGAN, lossL1) as tf.Scalar;
  }
}

/** The plugin: \`translate train --plugin <this package> --model ${model}\`. */
export const plugin: ModelPlugin = {
  name: '${model}',
  description: '${model}: a conditional GAN for paired images (GAN + L1 loss).',
  options: {
    lambda_L1: { type: 'float', default: 100, minimum: 0, help: 'weight of the L1 loss between G(A) and B', phase: 'train' },
  },
  defaults: { dataset_mode: 'aligned', netG: 'unet_256' },
  trainDefaults: { gan_mode: 'vanilla' },
  create: (opt, env) => new ${className}(opt, env),
};
`;
}

function testSource({ model }: ScaffoldNames): string {
  return `/** Trains the ${model} model two steps on random 32x32 pairs with tiny networks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend, registerModel, resolveOptions, seedEverything, tf } from '@translate/core';
import { plugin } from '../src/index.js';

test('${model}: two training steps give every loss, finite, and a fake_B of the input size', async () => {
  await initBackend('cpu', { log: () => {} });
  seedEverything(0);
  registerModel(plugin);
  const values = { model: '${model}', dataroot: 'unused', netG: 'unet_32', ngf: 4, ndf: 4 };
  const { options } = resolveOptions({ phase: 'train', layers: [{ source: 'the test', values }] });
  const model = plugin.create(options, { isTrain: true });
  const batch = { A: tf.randomUniform([1, 32, 32, 3], -1, 1), B: tf.randomUniform([1, 32, 32, 3], -1, 1) };
  for (let step = 0; step < 2; step++) {
    model.setInput(batch);
    model.optimizeParameters();
  }
  const losses = model.currentLosses();
  assert.deepEqual(Object.keys(losses).sort(), [...model.lossNames].sort());
  for (const [name, value] of Object.entries(losses)) assert.ok(Number.isFinite(value), \`\${name} is \${value}\`);
  assert.deepEqual(model.visual('fake_B').shape, [1, 32, 32, 3]);
  model.dispose();
  tf.dispose([batch.A, batch.B]);
});
`;
}

function readme({ model, packageName, core }: ScaffoldNames): string {
  const linked = core.dev.startsWith('link:');
  return `# ${packageName}

The \`${model}\` model plugin for translate: a small conditional GAN for
paired images (GAN + L1 loss, \`--dataset_mode aligned\`). Edit \`src/index.ts\` to make it yours;
\`docs/writing-a-model-plugin.md\` in the translate repository explains every part.

## Build and test

\`\`\`bash
pnpm install        # or npm install${linked ? ' (see below)' : ''}
pnpm run build      # compiles src/ and test/ into dist/
pnpm test           # trains two steps on random images
\`\`\`
${
  linked
    ? `
\`@translate/core\` is linked to the translate checkout this package was generated from
(\`${core.dev}\` in devDependencies), so the plugin and the \`translate\` command share one copy of
core. npm does not know \`link:\`: with npm, write \`file:\` instead (npm links local folders).
`
    : ''
}
## Train and test

\`\`\`bash
translate train --plugin . --model ${model} --dataroot ./datasets/facades --name ${model}_facades
translate test --plugin . --model ${model} --dataroot ./datasets/facades --name ${model}_facades
\`\`\`

\`--plugin\` takes this folder (its package.json names \`dist/src/index.js\`) or, once published
and installed, the package name; a config file may list it as \`plugins: [${packageName}]\`.

## Publish

\`@translate/core\` is a peer dependency: the plugin runs on the copy of core of the \`translate\`
that loads it. Build, then \`npm publish\` (only \`dist/src\` is published).
`;
}
