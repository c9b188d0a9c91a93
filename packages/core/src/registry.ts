/**
 * One registry of named things (models, `--netG`/`--netD` architectures, dataset modes): names
 * and aliases, where each came from (a package or a plugin file, for error messages), and one
 * error for a taken name and one (with a did-you-mean) for an unknown one.
 */
import { OptionError, RegistryError, unknownNameMessage } from './errors.js';

/** One registered value with its names and origin. */
export interface RegistryEntry<T> {
  name: string;
  aliases: readonly string[];
  /** The package or plugin file that registered it. */
  source: string;
  value: T;
}

/** How `register` is called. */
export interface RegisterOptions {
  aliases?: readonly string[];
  /** Where the value comes from; default: the registry's built-in source. */
  source?: string;
}

/** How a registry names its values in messages. */
export interface RegistryNaming {
  /** The thing, as unknown-name messages say it: `model`, `--netG`, `dataset mode`. */
  kind: string;
  /** As taken-name messages say it (default `kind`): `model name`. */
  taken?: string;
  /** Prefixes the unknown-name message: `--dataset_mode: Unknown dataset mode …`. */
  flag?: string;
  /** The source of values registered without one: the package that declares the built-ins. */
  builtinSource: string;
}

/** Named values of one kind, in registration order. */
export class Registry<T> {
  private readonly entries = new Map<string, RegistryEntry<T>>();
  private readonly canonical = new Map<string, string>();

  constructor(private readonly naming: RegistryNaming) {}

  /** Adds `value` under `name` and its aliases; a name already taken is a `RegistryError` naming both sources. */
  register(name: string, value: T, options: RegisterOptions = {}): void {
    const source = options.source ?? this.naming.builtinSource;
    const aliases = options.aliases ?? [];
    const problems = this.conflicts([name, ...aliases]);
    if (problems.length > 0) throw new RegistryError(problems.join(' '));
    this.entries.set(name, { name, aliases, source, value });
    for (const n of [name, ...aliases]) this.canonical.set(n, name);
  }

  /** The messages for each of `names` that is taken (`model name 'x' is already registered by <source>. Rename one of them.`). */
  conflicts(names: readonly string[]): string[] {
    const kind = this.naming.taken ?? this.naming.kind;
    return names
      .filter((n) => this.canonical.has(n))
      .map((n) => `${kind} '${n}' is already registered by ${this.entry(n)!.source}. Rename one of them.`);
  }

  /** The value registered under `name` or an alias; an unknown name is an `OptionError` listing the known ones. */
  get(name: string): T {
    const entry = this.entry(name);
    if (!entry) {
      const message = unknownNameMessage(this.naming.kind, name, [...this.canonical.keys()]);
      throw new OptionError(this.naming.flag ? `${this.naming.flag}: ${message}` : message);
    }
    return entry.value;
  }

  /** Whether `name` (or an alias) is registered. */
  has(name: string): boolean {
    return this.canonical.has(name);
  }

  /** The canonical names, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Every entry, in registration order. */
  list(): Array<RegistryEntry<T>> {
    return [...this.entries.values()];
  }

  private entry(name: string): RegistryEntry<T> | undefined {
    const canonical = this.canonical.get(name);
    return canonical === undefined ? undefined : this.entries.get(canonical);
  }
}
