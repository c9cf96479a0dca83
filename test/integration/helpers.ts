// Shared harness for integration tests: a private lab per test file and the built kspray CLI run as a user would.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll } from 'vitest';
import { labDown, labUp, REPO_DIR, type LabInfo } from '../lab/index.js';

export const KSPRAY = path.join(REPO_DIR, 'bin', 'kspray');

export interface KsprayRun {
  code: number;
  stdout: string;
  stderr: string;
  all: string;
}

export async function kspray(args: string[], o: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<KsprayRun> {
  const r = await execa(KSPRAY, args, {
    cwd: o.cwd ?? REPO_DIR,
    env: { CI: 'true', NO_COLOR: '1', ...o.env },
    reject: false,
    all: true,
    ...(o.input !== undefined ? { input: o.input } : { stdin: 'ignore' }),
    timeout: o.timeoutMs ?? 240_000,
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, all: r.all ?? '' };
}

/** The playbooks (with their --limit) among commands: what a dry-run plan lists, or what a run record's steps ran. */
export const playbooksIn = (cmds: string[]) =>
  cmds
    .filter((c) => /ansible-playbook /.test(c))
    .map((c) => {
      const limit = / --limit (\S+)/.exec(c)?.[1];
      return `${c.split(' ').at(-1)}${limit ? ` --limit ${limit}` : ''}`;
    });

/** The playbooks the dry-run of `args` lists (call it before the command itself: it plans from the same state). */
export async function plannedPlaybooks(lab: TestLab, args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const r = await lab.run([args[0]!, '--dry-run', '-o', 'json', ...args.slice(1)], { env });
  if (r.code !== 0) throw new Error(`dry-run of ${args.join(' ')} exited ${r.code}:\n${r.all}`);
  const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { plan: { actions: string[] }[] };
  return playbooksIn(res.plan.flatMap((p) => p.actions));
}

/** The playbooks the lab's last run executed, from its run record. */
export function executedPlaybooks(lab: TestLab): string[] {
  const runs = path.join(path.dirname(lab.config), '.kspray', 'runs');
  const last = fs.readdirSync(runs).sort().at(-1)!;
  const result = JSON.parse(fs.readFileSync(path.join(runs, last, 'result.json'), 'utf8')) as { steps: { command?: string }[] };
  return playbooksIn(result.steps.map((s) => s.command ?? ''));
}

export interface TestLab {
  readonly info: LabInfo;
  readonly dir: string;
  readonly config: string;
  /** run kspray against this lab's config */
  run(args: string[], o?: Parameters<typeof kspray>[1]): Promise<KsprayRun>;
}

/**
 * A lab of its own for one test file: separate dir, subnet 10.<octet>.0 and namespace prefix,
 * so test files never share hosts. Brought up before the file's tests and torn down after.
 */
export function useLab(name: string, octet: number, opts: { hosts?: number; spares?: number } = {}): TestLab {
  // two checkouts testing on one machine at once must not share namespaces or subnets
  const shift = Number(process.env.KSPRAY_TEST_SUBNET_SHIFT ?? 0);
  const prefix = `${process.env.KSPRAY_TEST_PREFIX ?? 'kt'}${name.replace(/[^a-z0-9]/g, '').slice(0, 6)}`;
  // outside the checkout: lab hosts shadow /tmp, /etc, /var/lib, /home…, and a checkout may live there
  const dir = path.join('/var/tmp', `kspray-test-${prefix}`);
  octet += shift;
  let info: LabInfo | undefined;
  beforeAll(async () => {
    // kspray's own state next to the config (runs, inventory, lock) from an earlier run of this file
    fs.rmSync(path.join(dir, '.kspray'), { recursive: true, force: true });
    info = await labUp({ dir, subnet: `10.${octet}.0`, prefix, fresh: true, ...opts });
  }, 120_000);
  afterAll(async () => {
    await labDown({ dir });
  }, 120_000);
  return {
    get info() {
      if (!info) throw new Error('lab not up');
      return info;
    },
    dir,
    get config() {
      return this.info.configFile;
    },
    run(args, o) {
      return kspray(['-c', this.info.configFile, ...args], o);
    },
  };
}

/** A one-host config for the setup tests (no lab: kspray only clones and builds venvs for it), with its key file. */
export function writeSetupConfig(dir: string, o: { name: string; kubespray: string; kubernetes: string; extra?: string }): string {
  const file = path.join(dir, 'kspray.yaml');
  fs.writeFileSync(
    file,
    `apiVersion: kspray.io/v1alpha1
kind: Cluster
metadata: { name: ${o.name} }
spec:
  kubespray: { ${o.kubespray} }
  kubernetes: { version: ${o.kubernetes} }
  ssh: { user: kspray, keyFile: ./key }
${o.extra ?? ''}  hosts:
    - { name: cp1, address: 10.70.0.11, roles: [control-plane, etcd, worker] }
`,
  );
  fs.writeFileSync(path.join(dir, 'key'), 'not a real key\n', { mode: 0o600 });
  return file;
}
