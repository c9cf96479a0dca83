// Build: type-check with tsc, then bundle with esbuild. One bundled startup path instead of ~400 module files
// roughly halves kspray's start-up (see docs/benchmarks.md); heavy runtime dependencies stay external and load lazily.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // only the start-up path (commander, yaml, zod, ip-address, chalk) is bundled
  external: ['execa', 'ora', 'node-ssh', 'ssh2', '@kubernetes/client-node'],
  // bundled CommonJS dependencies (commander) call require()
  banner: { js: "import { createRequire as __ksprayRequire } from 'node:module'; const require = __ksprayRequire(import.meta.url);" },
  plugins: [englishOnlyZod],
  define: { __KSPRAY_VERSION__: JSON.stringify(JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).version) },
  logLevel: 'warning',
});
