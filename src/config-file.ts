// Loading kspray.yaml from disk, with the release of its kubespray checkout: above config/, inventory/ and kubespray/,
// which it joins (the rules of inventory/ judge what it renders). A valid config is judged by the compiled schema parser
// alone (no zod loaded); when it answers "ask zod", zod's pipeline (config-text.ts) gives the same result with exact problems.
import { access, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KsprayError } from './errors.js';
import type { CheckoutRelease } from './kubespray/checkout-release.js';
import { resolveFrom } from './paths.js';
import type { Cluster } from './config/model.js';
import { fastParse } from './config/fast-parse.js';
import { validateWith, type Loaded, type ValidateOptions } from './config/pipeline.js';
import type { Problem } from './config/problems.js';
import { RULES } from './config-rules.js';

export interface LoadedFile extends Loaded {
  path: string;
  dir: string;
  file: string;
  /** the kubespray checkout at spec.kubespray.path, when there is one */
  checkout?: CheckoutRelease;
}

/** A config text judged by the compiled parser, or by zod's pipeline when that is unsure: the same result either way. */
export async function validateConfig(text: string, opts: ValidateOptions = {}): Promise<Loaded> {
  const fast = validateWith(text, opts, (input) => {
    const data = fastParse(input);
    return data && { success: true, data };
  }, RULES);
  return fast ?? (await import('./config-text.js')).validateText(text, opts);
}

export async function loadConfigFile(path: string): Promise<LoadedFile> {
  const abs = resolve(path);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw unreadableConfig(path, e);
  }
  const dir = dirname(abs);
  const loaded = await validateConfig(text);
  const spec = loaded.cluster?.config.spec.kubespray;
  const checkoutDir = spec ? resolveFrom(dir, spec.path) : undefined;
  // the checkout reader (and the hashing and serialising it loads) is loaded only when there is a checkout to read
  const reader = checkoutDir && (await isCheckout(checkoutDir)) ? await import('./kubespray/checkout-release.js') : undefined;
  const checkout = reader ? await reader.readCheckoutRelease(checkoutDir!) : undefined;
  // a checkout at another tag than the config's is about to be switched (setup) and states nothing about this config
  const release = checkout?.release && checkout.tag === reader!.normalizeTag(spec!.version) ? checkout.release : undefined;
  const final = release && !isDeepStrictEqual(release, loaded.cluster!.release) ? await validateConfig(text, { release }) : loaded;
  return { ...final, path: abs, dir, file: basename(abs), ...(checkout ? { checkout } : {}) };
}

const isCheckout = (dir: string) => access(join(dir, 'galaxy.yml')).then(() => true, () => false);

/** A sentence and a way out for each reason a config file cannot be read. */
function unreadableConfig(path: string, e: unknown): KsprayError {
  const code = (e as NodeJS.ErrnoException).code;
  const [message, hint] =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? [`config file ${path} not found`, 'create one with `kspray init` or pass -c FILE (or set KSPRAY_CONFIG)']
      : code === 'EISDIR'
        ? [`config path ${path} is a directory, not a file`, `pass the file itself, e.g. -c ${join(path, 'kspray.yaml')}`]
        : code === 'EACCES' || code === 'EPERM'
          ? [`config file ${path} cannot be read: permission denied`, `check its permissions (ls -l ${path}) or run kspray as a user who can read it`]
          : [`config file ${path} cannot be read (${code ?? String(e)})`, 'check the path and the disk'];
  return new KsprayError('ConfigNotFound', message, { hint, cause: e });
}

/** Load and require a valid config (for commands that act on it). */
export async function requireValidConfig(path: string): Promise<LoadedFile & { cluster: Cluster }> {
  const loaded = await loadConfigFile(path);
  if (loaded.errors.length || !loaded.cluster) throw configInvalid(loaded);
  return loaded as LoadedFile & { cluster: Cluster };
}

export function configInvalid(loaded: LoadedFile): KsprayError {
  const n = loaded.errors.length;
  return new KsprayError('ConfigInvalid', `${loaded.file} has ${n} error${n === 1 ? '' : 's'}; nothing was written or run`, {
    details: loaded.problems.map((p) => `${p.severity === 'error' ? 'error' : 'warning'}: ${formatForList(loaded.file, p)}`),
  });
}

export function formatForList(file: string, p: Problem): string {
  const where = p.line ? `${file}:${p.line} ${p.path}` : `${file} ${p.path}`;
  return `${where}: ${p.message}${p.fix ? ` — ${p.fix}` : ''}`;
}
