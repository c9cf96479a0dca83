// kspray init: write a starter or an example config, never over an existing file unless --force.
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { validateText } from '../config-text.js';
import { packagePath } from '../paths.js';

const examples = ['homelab'] as const;

/**
 * A copy of the schema in the user's data dir, named by its content: the editor keeps finding it when the config
 * moves or kspray is reinstalled elsewhere or upgraded (a newer schema gets a directory of its own).
 */
export async function installSchema(env: NodeJS.ProcessEnv): Promise<string> {
  const schema = await readFile(packagePath('schema', 'kspray.schema.json'), 'utf8');
  const id = createHash('sha256').update(schema).digest('hex').slice(0, 12);
  const dir = join(env.XDG_DATA_HOME ?? join(env.HOME ?? '/root', '.local', 'share'), 'kspray', 'schemas', id);
  const file = join(dir, 'kspray.schema.json');
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== schema) {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(file, schema, 0o644);
  }
  return pathToFileURL(file).href;
}

export async function init(ctx: CommandContext, opts: { example?: string; force?: boolean }): Promise<number> {
  const name = opts.example ?? 'starter';
  if (opts.example !== undefined && !examples.includes(opts.example as (typeof examples)[number]))
    throw new KsprayError('BadArgument', `unknown example "${opts.example}"`, { hint: `available: ${examples.join(', ')}` });
  const exists = await stat(ctx.configPath).then(
    () => true,
    () => false,
  );
  if (exists && !opts.force)
    throw new KsprayError('ConfigExists', `${relative(ctx.cwd, ctx.configPath) || ctx.configPath} already exists; nothing was written`, {
      hint: 'choose another file with -c, or pass --force to overwrite it',
    });
  const body = await readFile(packagePath('templates', 'examples', `${name}.yaml`), 'utf8');
  const text = `# yaml-language-server: $schema=${await installSchema(ctx.env)}\n${body}`;
  // the shipped templates must always validate; a failure here is a kspray bug, not a user error
  const check = validateText(text);
  if (check.errors.length) throw new Error(`template ${name} is invalid: ${check.errors.map((p) => p.path + ' ' + p.message).join('; ')}`);
  await writeFileAtomic(ctx.configPath, text);
  ctx.reporter.success(`wrote ${relative(ctx.cwd, ctx.configPath) || ctx.configPath}${opts.example ? ` (example: ${name})` : ''}`);
  for (const w of check.warnings) ctx.reporter.info(`  note: ${w.path}: ${w.message}`);
  ctx.reporter.info(`next: kspray validate${ctx.configPath.endsWith('/kspray.yaml') ? '' : ` -c ${relative(ctx.cwd, ctx.configPath)}`}`);
  return 0;
}
