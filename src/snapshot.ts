// Entry of the V8 startup snapshot (dist/kspray.blob, built by scripts/build.mjs; bin/kspray uses it when the node on
// PATH built it). Building runs this file once: the config pipeline, zod schemas and renderer are loaded, constructed
// and exercised on the homelab example, so `kspray validate` starts with all of that already in the heap instead of
// compiling and constructing it (about half of its start-up; docs/benchmarks.md).
// Only pure commands run from the snapshot. Everything that opens SSH, spawns Ansible or talks to Kubernetes runs the
// ESM bundle, exactly as `node bin/kspray` does, so the snapshot never holds a socket, child process or env-derived state.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { startupSnapshot } from 'node:v8';
import { validateText } from './config-file.js';
import { renderInventory } from './inventory/render.js';
import { commandOf, runCli } from './main.js';
import { packagePath } from './paths.js';
import './commands/validate.js';

declare global {
  /** import.meta.url of the code in the snapshot (scripts/build.mjs defines import.meta.url as this) */
  var __ksprayModuleUrl: string | undefined;
  /** node_modules resolution for the snapshot's bundled code, which has only the builtin-only require while building */
  var __ksprayRequire: NodeJS.Require | undefined;
}

// bin/kspray only starts the snapshot for these (and without --debug before the command); this check also catches the rest
const SNAPSHOT_COMMANDS = new Set([undefined, 'help', 'init', 'validate', 'render', 'schema']);

function warm(): void {
  const text = readFileSync(packagePath('templates', 'examples', 'homelab.yaml'), 'utf8');
  const ok = validateText(text);
  if (!ok.cluster || ok.errors.length) throw new Error('startup snapshot: the homelab example does not validate');
  renderInventory(ok.cluster, { source: 'kspray.yaml', digest: '0'.repeat(64) });
  // the error paths too: schema issues, unknown keys, broken ranges
  validateText(text.replace('podSubnet: 10.233.64.0/18', 'podSubnet: 10.233.64.0/33').replace('plugin: calico', 'plugin: calcio').replace('spec:', 'spec:\n  colour: blue'));
}

warm();
startupSnapshot.setDeserializeMainFunction(() => {
  // bin/kspray passes dist/main.js as the script, so process.argv has its usual shape
  const script = process.argv[1]!;
  globalThis.__ksprayModuleUrl = pathToFileURL(script).href;
  globalThis.__ksprayRequire = createRequire(script);
  if (SNAPSHOT_COMMANDS.has(commandOf(process.argv)) && !process.argv.includes('--debug')) void runCli();
  else void (globalThis.__ksprayRequire(script) as typeof import('./main.js')).runCli();
});
