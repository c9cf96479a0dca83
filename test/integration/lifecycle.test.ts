// Lifecycle flows end to end in a private lab: real sshd hosts, real ansible-playbook, the kubespray stand-in, real etcd.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { findHost, labCheck, readHostFile, rekeyHost } from '../lab/index.js';
import { standinHangs, waitFor } from '../lab/wait.js';
import { executedPlaybooks, KSPRAY, plannedPlaybooks, useLab } from './helpers.js';

const lab = useLab('lifecycle', 71);
const IGN = ['--ignore-preflight', 'systemd'];
// once the sudo-password spare has joined, cluster-wide runs need its password (one become password per run, as in Ansible)
const pwEnv = () => ({ KSPRAY_BECOME_PASSWORD: lab.info.hosts.find((h) => h.sudoPassword)!.sudoPassword! });

function record(host: string): { kube_version?: string; history?: { playbook: string }[] } | undefined {
  const t = readHostFile(lab.info, host, '/etc/kubernetes/kspray-standin.json');
  return t ? JSON.parse(t) : undefined;
}
const configText = () => fs.readFileSync(lab.config, 'utf8');
const runsDir = () => path.join(path.dirname(lab.config), '.kspray', 'runs');
const lastRun = () => {
  const ids = fs.readdirSync(runsDir()).sort();
  return JSON.parse(fs.readFileSync(path.join(runsDir(), ids.at(-1)!, 'result.json'), 'utf8'));
};
/** The playbooks the dry-run of a command lists, checked to be some: compared with what its run executed. */
async function planned(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const list = await plannedPlaybooks(lab, args, env);
  expect(list.length, args.join(' ')).toBeGreaterThan(0);
  return list;
}
const executed = () => executedPlaybooks(lab);
const pgrep = async (pattern: string) => (await execa('pgrep', ['-f', pattern], { reject: false })).stdout.trim();

describe('lifecycle in the lab', () => {
  it('starts from an older minor so the upgrade has somewhere to go', () => {
    fs.writeFileSync(lab.config, configText().replace(/version: v1\.29\.5/, 'version: v1.28.10'));
  });

  it('deploy --dry-run prints the plan and touches nothing', async () => {
    const r = await lab.run(['deploy', '--dry-run', ...IGN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cluster.yml');
    expect(r.stdout).toContain('StrictHostKeyChecking=yes');
    expect(fs.existsSync(runsDir())).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(lab.config), '.kspray', 'kspray-lab', 'inventory'))).toBe(false);
    expect(record('km01')).toBeUndefined();
  });

  it('deploy refuses to run when preflight fails, naming host and check', async () => {
    const r = await lab.run(['deploy']);
    expect(r.code).toBe(4);
    expect(r.all).toMatch(/km01: systemd: service manager/);
    expect(record('km01')).toBeUndefined();
  });

  it('deploy runs cluster.yml, records the run, and etcd is healthy', async () => {
    // arguments after `--` reach ansible-playbook and the run record
    const plan = await planned(['deploy', ...IGN, '--', '--timeout', '300']);
    const r = await lab.run(['deploy', ...IGN, '--', '--timeout', '300']);
    expect(r.code, r.all).toBe(0);
    expect(executed()).toEqual(plan);
    expect(lastRun().ansibleArgs).toEqual(['--timeout', '300']);
    expect(lastRun().steps.find((st: { command?: string }) => st.command?.includes('cluster.yml'))?.command).toMatch(/ --timeout 300 cluster\.yml$/);
    expect(record('km01')?.kube_version).toBe('v1.28.10');
    expect(record('kube03')?.kube_version).toBe('v1.28.10');
    const check = await labCheck({ dir: lab.dir });
    expect(check.ok, JSON.stringify(check)).toBe(true);
    const run = lastRun();
    expect(run.status).toBe('succeeded');
    const dir = path.join(runsDir(), run.id);
    for (const f of ['command.txt', 'ansible.log', 'events.jsonl', 'result.json', 'inventory/hosts.yaml']) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    expect(fs.statSync(path.join(dir, 'result.json')).mode & 0o077).toBe(0);
    const list = await lab.run(['runs', '-o', 'json']);
    expect(JSON.parse(list.stdout).map((x: { id: string }) => x.id)).toContain(run.id);
  });

  it('a second concurrent run is refused while the first holds the lock', async () => {
    const first = execa(KSPRAY, ['-c', lab.config, 'deploy', ...IGN], { reject: false, env: { CI: 'true', KSPRAY_STANDIN_HANG: 'kube01:Record deployment' } });
    const lock = path.join(path.dirname(lab.config), '.kspray', 'kspray-lab', 'lock');
    await waitFor(() => fs.existsSync(lock), { timeoutMs: 30_000, what: 'the first deploy to take the lock' });
    const second = await lab.run(['deploy', ...IGN]);
    expect(second.code).toBe(7);
    expect(second.stderr).toMatch(/another kspray operation holds this cluster: `deploy/);
    // Ctrl-C the first one once it hangs: clean stop, exit 130, lock released, no ansible left behind
    const events = () => {
      const id = fs.readdirSync(runsDir()).sort().at(-1)!;
      return fs.existsSync(path.join(runsDir(), id, 'events.jsonl')) ? fs.readFileSync(path.join(runsDir(), id, 'events.jsonl'), 'utf8') : '';
    };
    await waitFor(() => events().includes('Record deployment'), { timeoutMs: 600_000, what: 'the Record deployment task to start' });
    await waitFor(() => standinHangs(lab.info.hosts.find((h) => h.name === 'kube01')!.netns), { timeoutMs: 30_000, what: 'the injected hang on kube01' });
    // Ansible's SSH masters for this cluster are up now; none may outlive the run waiting for its ControlPersist
    const controlDir = /ControlPath=(\S+)\/%C/.exec((await lab.run(['deploy', '--dry-run', ...IGN])).stdout)?.[1];
    expect(controlDir).toBeDefined();
    expect(await waitFor(() => pgrep(`ssh: ${controlDir}/.*\\[mux\\]`), { timeoutMs: 10_000, what: "Ansible's SSH masters" }).catch(() => '')).not.toBe('');
    first.kill('SIGINT');
    const r = await first;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(await pgrep(`ssh: ${controlDir}/`)).toBe('');
    expect(fs.existsSync(lock)).toBe(false);
    expect(lastRun().status).toBe('interrupted');
    expect(await pgrep(`ansible-playbook.*${lab.dir}`)).toBe('');
  }, 900_000);

  it('add-node adds a worker with facts.yml then scale.yml --limit', async () => {
    const spare = lab.info.hosts.find((h) => h.spare && !h.sudoPassword)!;
    const plan = await planned(['add-node', spare.name, '--address', spare.address, ...IGN]);
    const r = await lab.run(['add-node', spare.name, '--address', spare.address, ...IGN]);
    expect(r.code, r.all).toBe(0);
    expect(executed()).toEqual(plan);
    expect(r.stdout).toMatch(/playbooks\/facts\.yml/);
    expect(r.stdout).toMatch(new RegExp(`scale\\.yml --limit ${spare.name}`));
    expect(record(spare.name)?.kube_version).toBe('v1.28.10');
    expect(configText()).toContain(spare.name);
    expect(configText()).not.toMatch(/pending: true/);
  });

  it('add-node that fails leaves the host marked pending, naming host and task', async () => {
    const spare = lab.info.hosts.find((h) => h.spare && h.sudoPassword)!;
    const r = await lab.run(['add-node', spare.name, '--address', spare.address, ...IGN], {
      env: { KSPRAY_BECOME_PASSWORD: spare.sudoPassword!, KSPRAY_STANDIN_FAIL: `${spare.name}:Record deployment` },
    });
    expect(r.code).toBe(5);
    expect(r.all).toMatch(new RegExp(`${spare.name}: failed in "node_record : Record deployment"|${spare.name}.*Record deployment`));
    expect(r.all).not.toContain(spare.sudoPassword!);
    expect(configText()).toMatch(new RegExp(`name: ${spare.name}[\\s\\S]*pending: true`));
    // resuming with the fault gone finishes it; the sudo password host works through --become-password-file
    const pw = path.join(lab.dir, 'pw');
    fs.writeFileSync(pw, spare.sudoPassword! + '\n', { mode: 0o600 });
    const plan = await planned(['add-node', spare.name, ...IGN]);
    const again = await lab.run(['add-node', spare.name, ...IGN, '--become-password-file', pw]);
    expect(again.code, again.all).toBe(0);
    expect(executed()).toEqual(plan);
    expect(configText()).not.toMatch(/pending: true/);
    const logs = fs
      .readdirSync(runsDir())
      .flatMap((d) => ['ansible.log', 'events.jsonl', 'command.txt', 'result.json'].map((f) => path.join(runsDir(), d, f)))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    expect(logs).not.toContain(spare.sudoPassword!);
  });

  it('upgrade refuses downgrades; a version two minors on is the release train, one minor and one tag at a time', async () => {
    const down = await lab.run(['upgrade', '--to', 'v1.27.3', '--skip-backup', ...IGN]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/downgrades are not supported/);
    const before = executed();
    const skip = await lab.run(['upgrade', '--to', 'v1.30.4', '--dry-run', '--skip-backup', ...IGN]);
    expect(skip.code, skip.all).toBe(0);
    expect(skip.stdout).toMatch(/Hop 1\/2 \(v2\.25\.\d+, v1\.29\.\d+\): Run upgrade-cluster\.yml/);
    expect(skip.stdout).toMatch(/Hop 2\/2 \(v2\.26\.\d+, v1\.30\.4\): Run upgrade-cluster\.yml/);
    expect(executed()).toEqual(before);
    expect(configText()).toContain('version: v1.28.10');
  });

  it('upgrade runs upgrade-cluster.yml control plane first, then workers, and records the version', async () => {
    const plan = await planned(['upgrade', '--to', 'v1.29.5', '--skip-backup', ...IGN], pwEnv());
    const r = await lab.run(['upgrade', '--to', 'v1.29.5', '--skip-backup', ...IGN], { env: pwEnv() });
    expect(r.code, r.all).toBe(0);
    expect(executed()).toEqual(plan);
    expect(configText()).toContain('version: v1.29.5');
    for (const h of ['km01', 'km02', 'km03', 'kube01']) expect(record(h)?.kube_version, h).toBe('v1.29.5');
  });

  it('remove-node refuses the first control plane and prints the documented procedure', async () => {
    const r = await lab.run(['remove-node', 'km01', '--yes']);
    expect(r.code).toBe(2);
    expect(r.all).toMatch(/first control plane/);
    expect(r.all).toMatch(/cluster-info/);
  });

  it('remove-node without a name is impossible', async () => {
    const r = await lab.run(['remove-node', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'name'/);
  });

  it('remove-node passes node=NAME, undoes the host and drops it from the config', async () => {
    const plan = await planned(['remove-node', 'kube03', '--yes'], pwEnv());
    const r = await lab.run(['remove-node', 'kube03', '--yes'], { env: pwEnv() });
    expect(r.code, r.all).toBe(0);
    expect(executed()).toEqual(plan);
    expect(record('kube03')).toBeUndefined();
    expect(record('kube02')).toBeDefined();
    expect(configText()).not.toContain('kube03');
    expect(lastRun().steps.map((s: { command?: string }) => s.command ?? '').join('\n')).toMatch(/"node":"kube03"/);
  });

  it('an unreachable host fails the run with exit 6 and names it', async () => {
    const kube02 = findHost(lab.info, 'kube02');
    process.kill(kube02.pids.sshd, 'SIGSTOP');
    try {
      const r = await lab.run(['deploy', ...IGN], { timeoutMs: 120_000, env: pwEnv() });
      expect([4, 6]).toContain(r.code);
      expect(r.all).toMatch(/kube02/);
    } finally {
      process.kill(kube02.pids.sshd, 'SIGCONT');
    }
  });

  it('a changed host key stops every command with both fingerprints', async () => {
    const before = findHost(lab.info, 'kube01').hostKeyFingerprint;
    await rekeyHost(lab.info, 'kube01');
    const r = await lab.run(['deploy', ...IGN], { env: pwEnv() });
    expect(r.code).toBe(8);
    expect(r.all).toMatch(/kube01/);
    expect(r.all).toContain(before);
  });

  it('reset asks for nothing with --yes and passes reset_confirmation=yes', async () => {
    const r = await lab.run(['reset', '--yes', '--dry-run']);
    expect(r.stdout).toMatch(/reset_confirmation/);
    const refused = await lab.run(['reset']);
    expect(refused.code).toBe(9);
  });
});
