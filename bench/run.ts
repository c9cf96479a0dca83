// `npm run bench`: the benchmarks under bench/, each skipped with a one-line reason when this machine lacks what it needs.
//   npm run bench -- --list                          what exists, what each needs, whether it can run here
//   npm run bench -- startup validate-kubespray v2.25.0 v2.31.0    the named ones; other words go to the bench before them
//   npm run bench                                    every bench that can run here (some take many minutes)
// Each bench rewrites its own section of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './install.js';

const cache = process.env.KSPRAY_CACHE_DIR ?? join(homedir(), '.cache', 'kspray');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const need = {
  hyperfine: () => (has('hyperfine') ? undefined : 'hyperfine is not installed (apt-get install hyperfine)'),
  root: () => (process.getuid?.() === 0 ? undefined : 'needs root (the lab uses network namespaces)'),
  lab: () => (has('sshd') || existsSync('/usr/sbin/sshd') ? (existsSync(join(cache, 'venvs', 'ansible-core-2.16', 'bin', 'ansible-playbook')) ? undefined : 'no lab Ansible venv (bash scripts/setup.sh)') : 'no sshd for lab hosts (bash scripts/setup.sh)'),
  etcd: () => (has('etcd') ? undefined : 'no etcd binary (bash scripts/setup.sh)'),
  kubeApiserver: () => (existsSync(join(cache, 'kube', process.env.KSPRAY_KUBE_VERSION ?? 'v1.37.2', 'kube-apiserver')) ? undefined : 'no kube-apiserver for the lab (scripts/build-kube-apiserver.sh)'),
  realKubespray: () => {
    const dir = join(cache, 'real-kubespray');
    const refs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.venv')) : [];
    return refs.length ? undefined : `no cached real kubespray checkout in ${dir} (scripts/setup-real-kubespray.sh)`;
  },
};

interface Bench {
  file: string;
  what: string;
  takes: string;
  needs: (keyof typeof need)[];
}
const benches: Record<string, Bench> = {
  startup: { file: 'startup.ts', what: '`kspray validate` start-up from an npm pack install vs `node -e 0`', takes: '~2 min', needs: ['hyperfine'] },
  validate: { file: 'validate.ts', what: 'validate + render of generated configs, 6 … 5,000 hosts', takes: '~1 min', needs: [] },
  plan: { file: 'plan.ts', what: '`kspray plan` of the 5,000-host config with one host added, from an npm pack install', takes: '~1 min', needs: [] },
  'validate-kubespray': { file: 'validate-kubespray.ts', what: '`kspray validate --kubespray` vs the same ansible-playbook by hand', takes: '~3 min per ref', needs: ['hyperfine', 'realKubespray'] },
  'lab-up': { file: 'lab-up.ts', what: '`lab up` of 6 hosts + 2 spares', takes: '~1 min', needs: ['root', 'lab'] },
  deploy: { file: 'deploy.ts', what: '`kspray deploy` vs ansible-playbook direct, and the Ansible tuning', takes: '30+ min', needs: ['root', 'lab', 'etcd'] },
  'etcd-backup': { file: 'etcd-backup.ts', what: '`kspray etcd-backup` vs `ssh etcdctl snapshot save` + scp', takes: '~15 min', needs: ['root', 'lab', 'etcd'] },
  certs: { file: 'certs.ts', what: '`kspray certs` vs `ssh host sudo openssl x509 -enddate` file by file, 6 hosts', takes: '~3 min', needs: ['root', 'lab', 'etcd', 'kubeApiserver'] },
  train: { file: 'train.ts', what: '`kspray upgrade --plan` of the 7-hop reference train, and one hop\'s own overhead', takes: '~10 s', needs: [] },
  health: { file: 'health.ts', what: '`kspray health` vs kubectl on 5,000 nodes / 20,000 pods', takes: '~10 min', needs: ['root', 'lab', 'etcd', 'kubeApiserver'] },
};
const whyNot = (b: Bench) => b.needs.map((n) => need[n]()).find((r) => r !== undefined);

const args = process.argv.slice(2);
if (args.includes('--list') || args.includes('-l')) {
  for (const [name, b] of Object.entries(benches)) {
    const why = whyNot(b);
    process.stdout.write(`${name.padEnd(19)} ${b.what} (${b.takes}): ${why ? `skipped here: ${why}` : 'can run here'}\n`);
  }
  process.exit(0);
}

// names, each followed by the arguments for it
const plan: [string, string[]][] = [];
for (const a of args) {
  if (benches[a]) plan.push([a, []]);
  else if (plan.length) plan.at(-1)![1].push(a);
  else {
    process.stderr.write(`bench: unknown benchmark "${a}"; known: ${Object.keys(benches).join(', ')} (npm run bench -- --list)\n`);
    process.exit(2);
  }
}
if (!plan.length) for (const name of Object.keys(benches)) plan.push([name, []]);

let failed = 0;
for (const [name, extra] of plan) {
  const b = benches[name]!;
  const why = whyNot(b);
  if (why) {
    process.stdout.write(`bench ${name}: skipped: ${why}\n`);
    continue;
  }
  process.stdout.write(`bench ${name}: ${b.what} (${b.takes})\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', b.file), ...extra], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`bench ${name}: failed (${r.status === null ? `signal ${r.signal}` : `exit ${r.status}`})\n`);
  }
}
process.exit(failed ? 1 : 0);
