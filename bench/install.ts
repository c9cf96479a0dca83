// kspray as a user gets it: `npm pack` of this checkout (which builds it through `prepare`), installed globally into a
// fresh prefix from the tarball (its dependencies from the configured registry; their install scripts, ssh2's optional
// native crypto, not run: kspray needs none of them). The benches time <prefix>/bin/kspray.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Pack and install into `dir`; returns the installed command (a symlink, as npm makes it). */
export function installPacked(dir: string): string {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`npm pack (builds kspray) → ${dir}`);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack left no tarball in ${dir}`);
  const prefix = join(dir, 'prefix');
  log(`npm install -g --prefix ${prefix} --ignore-scripts ${tgz}`);
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel', 'error', join(dir, tgz)], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return join(prefix, 'bin', 'kspray');
}
