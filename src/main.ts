// Entry point: run the CLI and turn whatever happened into one exit code. The only place that sets it.
import { buildProgram } from './cli.js';
import { ExitCode, exitCodeOf, isKsprayError } from './errors.js';
import { createReporter, detectMode, wantsColor } from './io/reporter.js';

function wantsJson(argv: string[]): boolean {
  if (argv.includes('--output=json') || argv.includes('-ojson')) return true;
  const i = argv.findIndex((a) => a === '--output' || a === '-o');
  return i >= 0 && argv[i + 1] === 'json';
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const mode = detectMode(wantsJson(argv) ? 'json' : undefined, process.env, Boolean(process.stdout.isTTY));
  // chalk costs ~20 ms to load; plain and json runs (CI, pipes, NO_COLOR) never need it
  const chalk = wantsColor(mode, process.env, Boolean(process.stderr.isTTY ?? process.stdout.isTTY)) ? (await import('chalk')).default : undefined;
  const reporter = createReporter({ mode, debug, ...(chalk ? { chalk } : {}) });
  try {
    const result = { code: ExitCode.Ok as number };
    // everything after `--` is for ansible-playbook; commander never sees it
    const dd = argv.indexOf('--', 2);
    const ansibleArgs = dd < 0 ? [] : argv.slice(dd + 1);
    await buildProgram(reporter, result, ansibleArgs).parseAsync(dd < 0 ? argv : argv.slice(0, dd));
    return result.code;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    // commander signals help/version/usage errors with its own codes
    if (typeof err.code === 'string' && err.code.startsWith('commander.'))
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? ExitCode.Ok : ExitCode.Usage;
    // -o json: the error is one JSON object on stdout, not repeated as text on stderr
    const json = reporter.mode === 'json';
    if (isKsprayError(e)) {
      if (json) reporter.event({ type: 'error', code: e.code, exitCode: e.exitCode, message: e.message, details: e.details, ...(e.hint ? { hint: e.hint } : {}) });
      else {
        reporter.error(e.message);
        for (const d of e.details) reporter.note(`  ${d}`);
        if (e.hint) reporter.note(`  hint: ${e.hint}`);
      }
      if (debug && e.stack) reporter.debug(e.stack);
      return e.exitCode;
    }
    const hint = 'run again with --debug for the stack trace, and please report it';
    if (json) reporter.event({ type: 'error', code: 'Internal', exitCode: exitCodeOf(e), message: `internal error: ${err.message ?? String(e)}`, details: [], hint });
    else reporter.error(`internal error: ${err.message ?? String(e)}`);
    if (debug && e instanceof Error && e.stack) reporter.debug(e.stack);
    else if (!json) reporter.note(`  ${hint}`);
    return exitCodeOf(e);
  }
}

export async function runCli(): Promise<void> {
  // `kspray render --stdout | head`: a closed pipe ends the output, it is not a crash
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? 0);
    });
  process.exitCode = await main(process.argv);
}
