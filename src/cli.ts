// Commands and flags only. Each action lazily imports its command module, so `kspray validate` never loads SSH or Kubernetes code.
import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { CommandContext } from './context.js';
import type { Reporter } from './io/reporter.js';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

type Action = (ctx: CommandContext, ...args: any[]) => Promise<number | void>;

export function buildProgram(reporter: Reporter, result: { code: number }): Command {
  const program = new Command('kspray')
    .description('One typed config and a handful of safe commands for kubespray clusters')
    .version(pkg.version, '-V, --version')
    .addOption(new Option('-c, --config <file>', 'cluster config').env('KSPRAY_CONFIG').default('kspray.yaml'))
    .option('--debug', 'print stack traces and debug output')
    .option('--no-color', 'disable colours (also NO_COLOR)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const wrap =
    (load: () => Promise<Action>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const globals = cmd.optsWithGlobals() as { config: string; debug?: boolean };
      const ctx: CommandContext = { reporter, configPath: resolve(globals.config), debug: Boolean(globals.debug), cwd: process.cwd(), env: process.env };
      const fn = await load();
      const code = await fn(ctx, ...args.slice(0, -1));
      result.code = typeof code === 'number' ? code : 0;
    };
  const output = () => new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text');

  program
    .command('init')
    .description('write a kspray.yaml: a commented starter, or a complete example')
    .option('--example <name>', 'write a complete example (homelab)')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExamples:\n  kspray init\n  kspray init --example homelab -c homelab.yaml')
    .action(wrap(async () => (await import('./commands/init.js')).init));

  program
    .command('validate')
    .description('check the config before any host is touched; prints every problem at once')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray validate\n  kspray validate -c prod.yaml -o json')
    .action(wrap(async () => (await import('./commands/validate.js')).validate));

  program
    .command('render')
    .description('write the kubespray inventory (hosts.yaml + group_vars) for the configured release')
    .option('-o, --out <dir>', 'output directory (default: .kspray/<cluster>/inventory next to the config)')
    .option('--force', 'overwrite rendered files that were edited by hand')
    .option('--stdout', 'print the files instead of writing them')
    .addHelpText('after', '\nExamples:\n  kspray render\n  kspray render -o inventory/homelab')
    .action(wrap(async () => (await import('./commands/render.js')).render));

  program
    .command('schema')
    .description('print the JSON Schema of kspray.yaml')
    .action(wrap(async () => (await import('./commands/schema.js')).schema));

  return program;
}
