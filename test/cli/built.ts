// globalSetup of the cli and lab projects: they run the built CLI, and no test builds it. A missing or stale dist/
// would test old code, so the run stops and says how to build.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../unit/helpers.js';

/** newest mtime of the sources that go into dist/ (unit tests next to them do not) */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function distProblem(): string | undefined {
  let built: number;
  try {
    built = statSync(repoPath('dist', 'main.js')).mtimeMs;
  } catch {
    return 'dist/main.js is missing';
  }
  return built < newestMtime(repoPath('src')) ? 'dist/ is older than src/' : undefined;
}

export default function setup(): void {
  const problem = distProblem();
  if (problem) throw new Error(`${problem}: run \`npm run build\` first (\`npm test\` and \`npm run test:cli\` build it)`);
}
