// Build: type-check with tsc (package.json), then
//  1. the ESM bundle (dist/main.js + lazily loaded chunks): one bundled startup path instead of ~400 module files;
//     heavy runtime dependencies stay external (execa is bundled, lazily) and load only in the commands that need them;
//  2. the V8 startup snapshot (dist/kspray.blob) of the pure commands, which bin/kspray uses when this same node
//     binary runs it (src/snapshot.ts says what is in it and why).
// Everything is built in a sibling directory and swapped in, so a failed or interrupted build leaves the old dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const next = join(root, `.dist-build-${process.pid}`);
const external = ['execa', 'ora', 'node-ssh', 'ssh2', '@kubernetes/client-node'];
// execa is bundled into the lazily loaded chunk of the commands that spawn: as ~60 ESM files it cost ~120 ms to import
const esmExternal = external.filter((m) => m !== 'execa');
const version = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version;

// zod re-exports ~50 translations kspray never uses; only English is bundled (its messages are rewritten anyway)
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: dirname(args.path) }));
  },
};

// Commands that src/snapshot.ts hands to the ESM bundle are left out of the snapshot: a smaller heap loads faster
const snapshotCommands = ['init', 'validate', 'render', 'schema'];
const onlySnapshotCommands = {
  name: 'only-snapshot-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (args) => {
      const name = args.path.match(/([\w-]+)\.js$/)[1];
      return snapshotCommands.includes(name) ? undefined : { path: name, namespace: 'not-in-snapshot' };
    });
    b.onLoad({ filter: /.*/, namespace: 'not-in-snapshot' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`kspray ${args.path} is not in the startup snapshot (src/snapshot.ts routes it to the ESM bundle)`)});`,
    }));
  },
};

async function esmBundle() {
  await build({
    entryPoints: [join(root, 'src/main.ts')],
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: esmExternal,
    // bundled CommonJS dependencies (commander) call require()
    banner: { js: "import { createRequire as __ksprayRequire } from 'node:module'; const require = __ksprayRequire(import.meta.url);" },
    plugins: [englishOnlyZod],
    define: { __KSPRAY_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
}

/** One CommonJS script, as --build-snapshot requires: bundled code gets the builtin-only require while building and
 *  node_modules resolution (set by src/snapshot.ts) when it runs. Whitespace and syntax are minified: the blob's size
 *  is most of its load time; names are kept. */
async function snapshotScript() {
  const out = await build({
    entryPoints: [join(root, 'src/snapshot.ts')],
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external,
    supported: { 'dynamic-import': false },
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [englishOnlyZod, onlySnapshotCommands],
    define: { __KSPRAY_VERSION__: JSON.stringify(version), 'import.meta.url': 'globalThis.__ksprayModuleUrl' },
    logLevel: 'warning',
  });
  const file = join(next, 'snapshot.cjs');
  const main = JSON.stringify(pathToFileURL(join(next, 'main.js')).href);
  await writeFile(
    file,
    `globalThis.__ksprayModuleUrl = ${main};\n(function (require) {\n${out.outputFiles[0].text}\n})((id) => (require('node:module').isBuiltin(id) ? require(id) : globalThis.__ksprayRequire(id)));\n`,
  );
  return file;
}

async function startupSnapshot(script) {
  const blob = join(next, 'kspray.blob');
  try {
    execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', script], { cwd: next, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    // not fatal: bin/kspray runs the ESM bundle when there is no snapshot
    process.stderr.write(`build: no startup snapshot (kspray still works, it starts slower):\n${e.stderr ?? e.message}\n`);
    await rm(blob, { force: true });
    return;
  }
  // bin/kspray uses the blob only with the node binary that built it (V8 refuses a blob from another version);
  // the same identity as its `stat -L -c '%i %s %Y'`, so a node replaced in place (new inode) is noticed
  const node = await stat(process.execPath);
  await writeFile(`${blob}.node`, `${node.ino} ${node.size} ${Math.floor(node.mtimeMs / 1000)}\n`);
}

await rm(next, { recursive: true, force: true });
try {
  await esmBundle();
  if (!process.env.KSPRAY_BUILD_NO_SNAPSHOT) await startupSnapshot(await snapshotScript());
  await rm(dist, { recursive: true, force: true });
  await rename(next, dist);
} finally {
  await rm(next, { recursive: true, force: true });
}
