// Build: type-check with tsc (package.json), then the ESM bundle (dist/main.js + lazily loaded chunks): one bundled
// startup path instead of ~400 module files; heavy runtime dependencies stay external (execa is bundled, lazily) and
// load only in the commands that need them. It is built in a sibling directory and swapped in, so a failed or
// interrupted build leaves the old dist/.
import { build } from 'esbuild';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const next = join(root, `.dist-build-${process.pid}`);
// execa is not among them: it is bundled into the lazily loaded chunk of the commands that spawn (as ~60 ESM files it
// cost ~120 ms to import)
const external = ['ora', 'node-ssh', 'ssh2', '@kubernetes/client-node'];
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

// src/config/fast-parse.ts compiles the schema parser when it loads; the bundle gets the parser compiled here instead,
// so a valid config is checked without loading zod (src/config/schema-compile.ts)
async function compiledSchemaParser() {
  const out = await build({
    stdin: { contents: "export { ClusterConfig } from './src/config/schema.ts'; export { compileParser } from './src/config/schema-compile.ts';", resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  await mkdir(next, { recursive: true });
  const file = join(next, 'schema-compile.mjs');
  await writeFile(file, out.outputFiles[0].text);
  const { ClusterConfig, compileParser } = await import(pathToFileURL(file).href);
  await rm(file);
  const code = `export const fastParse = ${compileParser(ClusterConfig)};\n`;
  return {
    name: 'precompiled-schema-parser',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]config[\\/]fast-parse\.ts$/ }, () => ({ contents: code, loader: 'js' }));
    },
  };
}

// commander loads child_process (and with it net, dgram and v8) at start-up for executable subcommands, which kspray
// has none of: it is required on first use instead, never in practice
const lazyCommanderSpawn = {
  name: 'lazy-commander-spawn',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const code = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!code.includes(eager)) throw new Error(`commander changed: ${args.path} no longer has ${eager}`);
      return { contents: code.replace(eager, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
    });
  },
};

async function esmBundle() {
  const { metafile } = await build({
    entryPoints: [join(root, 'src/main.ts')],
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    // bundled CommonJS dependencies (commander) call require(); made on first use, as a chunk of its own costs ~0.3 ms
    // and most of the chunks never call it
    banner: { js: "import { createRequire as __ksprayRequire } from 'node:module'; const require = (id) => (require.cjs ??= __ksprayRequire(import.meta.url))(id);" },
    plugins: [englishOnlyZod, lazyCommanderSpawn, await compiledSchemaParser()],
    // whitespace and syntax only: about a tenth of `kspray validate`'s CPU is scanning the bundle; names are kept, so
    // --debug stack traces still name every function
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    define: { __KSPRAY_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  // which npm packages each file of dist/ holds (minified code keeps no source comments): the launcher test checks that
  // `validate` loads none of those host work needs
  const packages = {};
  for (const [out, { inputs }] of Object.entries(metafile.outputs)) {
    const names = new Set(Object.keys(inputs).map((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(i)?.[1]).filter(Boolean));
    if (names.size) packages[basename(out)] = [...names].sort();
  }
  await writeFile(join(next, 'packages.json'), `${JSON.stringify(packages, null, 1)}\n`);
}

await rm(next, { recursive: true, force: true });
try {
  await esmBundle();
  await rm(dist, { recursive: true, force: true });
  await rename(next, dist);
} finally {
  await rm(next, { recursive: true, force: true });
}
