// The kubespray release train in the lab: v2.30.0 / Kubernetes 1.34 to v2.32.0 / 1.36, each hop its own checkout
// (from a local repository whose tags carry the stand-in for that release), render and record; a failure in the
// middle hop stops there and a re-run resumes.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { labCheck, labVenvFor, readHostFile, REPO_DIR } from '../lab/index.js';
import { executedPlaybooks, plannedPlaybooks, useLab } from './helpers.js';
import { buildTrainRepo, V231_TASK } from './train-repo.js';

const lab = useLab('train', 66, { hosts: 2, spares: 0 });
const IGN = ['--ignore-preflight', 'systemd'];
const TAGS = ['v2.30.0', 'v2.31.0', 'v2.32.0'];
// a train runs several playbooks, backups and health passes: bounded generously, the 2 cores are shared
const LONG = 900_000;
const repo = () => path.join(lab.dir, 'kubespray-repo');
const cache = () => path.join(lab.dir, 'cache');
const env = () => ({ KSPRAY_CACHE_DIR: cache() });
const configText = () => fs.readFileSync(lab.config, 'utf8');
const stateDir = () => path.join(path.dirname(lab.config), '.kspray', 'kspray-lab');
const checkout = (tag: string) => path.join(lab.dir, tag === 'v2.30.0' ? 'kubespray' : `kubespray-${tag}`);
const describeTag = async (dir: string) => (await execa('git', ['-C', dir, 'describe', '--tags', '--exact-match'])).stdout;
const record = (host: string) => JSON.parse(readHostFile(lab.info, host, '/etc/kubernetes/kspray-standin.json') ?? '{}') as { standin_release?: string; kube_version?: string; history?: { playbook: string; kube_version: string }[] };
const lastRun = () => {
  const runs = path.join(path.dirname(lab.config), '.kspray', 'runs');
  return JSON.parse(fs.readFileSync(path.join(runs, fs.readdirSync(runs).sort().at(-1)!, 'result.json'), 'utf8'));
};

describe('release train in the lab', () => {
  it('deploys with the stand-in as kubespray v2.30.0 / Kubernetes 1.34 from its own checkout', async () => {
    for (const tag of TAGS) fs.rmSync(checkout(tag), { recursive: true, force: true });
    await buildTrainRepo(repo(), cache(), TAGS);
    fs.writeFileSync(
      lab.config,
      configText()
        .replace(/^(    version: )v2\.\d+\.\d+$/m, '$1v2.30.0')
        .replace(/^(    path: ).*$/m, `$1${checkout('v2.30.0')}\n    repository: ${repo()}`)
        .replace(/^(    venv: ).*$/m, `$1${labVenvFor('v2.30.0')}`)
        .replace(/^(  kubernetes:\n    version: )\S+$/m, '$1v1.34.2')
        // the tags' checkouts live outside this repository: the stand-in finds the lab's apiserver scripts here
        .replace(/^  extraVars:(?: \{\})?\n/m, `  extraVars:\n    standin_apiserver_scripts: ${path.join(REPO_DIR, 'test', 'lab', 'apiserver')}\n`),
    );
    const setup = await lab.run(['setup', '--no-venv'], { env: env() });
    expect(setup.code, setup.all).toBe(0);
    const r = await lab.run(['deploy', ...IGN], { env: env(), timeoutMs: LONG });
    expect(r.code, r.all).toBe(0);
    expect(record('km01')).toMatchObject({ standin_release: 'v2.30.0', kube_version: '1.34.2' });
  }, LONG);

  it('--plan lists the three hops with their checkouts, from files only', async () => {
    const r = await lab.run(['upgrade', '--plan', '--to', 'latest', '-o', 'json'], { env: env() });
    expect(r.code, r.all).toBe(0);
    const plan = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { hops: { to: { tag: string; kube: string }; checkout: string; ready: { checkout: boolean; venv: boolean } }[] };
    expect(plan.hops.map((h) => `${h.to.tag}/${h.to.kube}`)).toEqual(['v2.30.0/v1.34.3', 'v2.31.0/v1.35.4', 'v2.32.0/v1.36.4']);
    expect(plan.hops.map((h) => h.checkout)).toEqual(TAGS.map(checkout));
    expect(plan.hops[1]!.ready).toEqual({ checkout: false, venv: false });
  });

  it('a failure in the middle hop stops the train there; the config names the last completed hop', async () => {
    const r = await lab.run(['upgrade', '--to', 'latest', '--skip-backup', ...IGN], { env: { ...env(), KSPRAY_STANDIN_FAIL: `km01:${V231_TASK}` }, timeoutMs: LONG });
    expect(r.code, r.all).toBe(5);
    expect(r.all).toMatch(new RegExp(`km01.*${V231_TASK}`));
    expect(r.all).toMatch(/Hop 2\/3 \(v2\.31\.0, v1\.35\.4\)/);
    expect(configText()).toMatch(/^    version: v2\.30\.0$/m);
    expect(configText()).toMatch(/^    version: v1\.34\.3$/m);
    expect(fs.readFileSync(path.join(stateDir(), 'applied.yaml'), 'utf8')).toMatch(/^    version: v1\.34\.3$/m);
    expect(lastRun().status).toBe('failed');
    expect(lastRun().train).toEqual([{ hop: 1, of: 3, tag: 'v2.30.0', kube: 'v1.34.3' }]);
    expect(record('km01').kube_version).toBe('1.34.3');
    // the hop's checkout was made beside the first one, which is untouched
    expect(await describeTag(checkout('v2.31.0'))).toBe('v2.31.0');
    expect(await describeTag(checkout('v2.30.0'))).toBe('v2.30.0');
  }, LONG);

  it('config-first with --prefetch: the file names v2.32.0 / 1.36.4, `kspray upgrade` resumes at the first hop not done, downloads first, health OK', async () => {
    fs.writeFileSync(lab.config, configText().replace(/^(    version: )v2\.30\.0$/m, '$1v2.32.0').replace(/^(  kubernetes:\n    version: )\S+$/m, '$1v1.36.4'));
    const args = ['upgrade', '--prefetch', ...IGN];
    const plan = await plannedPlaybooks(lab, args, env());
    expect(plan.filter((p) => p === 'upgrade-cluster.yml')).toHaveLength(4);
    const r = await lab.run(args, { env: env(), timeoutMs: LONG });
    expect(r.code, r.all).toBe(0);
    expect(executedPlaybooks(lab)).toEqual(plan);
    // per hop: kubespray's download phase, then the upgrade itself told not to download again
    const commands = (lastRun().steps as { command?: string }[]).flatMap((st) => (st.command?.includes('upgrade-cluster.yml') ? [st.command] : []));
    expect(commands.map((c) => (/--tags download/.test(c) ? 'download' : /"skip_downloads":true/.test(c) ? 'upgrade, skip_downloads' : c))).toEqual(['download', 'upgrade, skip_downloads', 'download', 'upgrade, skip_downloads']);
    expect(r.all).toMatch(/hop 1\/2 done: v2\.31\.0 \/ v1\.35\.4/);
    expect(r.all).toMatch(/hop 2\/2 done: v2\.32\.0 \/ v1\.36\.4/);
    expect(r.all).toMatch(/health: .*/);
    expect(lastRun().train).toEqual([
      { hop: 1, of: 2, tag: 'v2.31.0', kube: 'v1.35.4' },
      { hop: 2, of: 2, tag: 'v2.32.0', kube: 'v1.36.4' },
    ]);
    const text = configText();
    expect(text).toMatch(/^    version: v2\.32\.0$/m);
    expect(text).toMatch(/^    version: v1\.36\.4$/m);
    expect(text).toMatch(/^    path: \S*kubespray-v2\.32\.0$/m);
    for (const h of ['km01', 'kube01']) {
      expect(record(h)).toMatchObject({ standin_release: 'v2.32.0', kube_version: '1.36.4' });
      // one upgrade per hop, each at its version (the failed run stopped before the nodes were touched)
      expect(record(h).history!.filter((x) => x.playbook === 'upgrade-cluster.yml').map((x) => x.kube_version), h).toEqual(['1.34.3', '1.35.4', '1.36.4']);
    }
    for (const tag of TAGS) expect(await describeTag(checkout(tag))).toBe(tag);
    const health = await lab.run(['health', '-o', 'json'], { env: env() });
    expect(health.code, health.all).toBe(0);
    const check = await labCheck({ dir: lab.dir });
    expect(check.ok, JSON.stringify(check)).toBe(true);
  }, LONG);

  it('config-first: with nothing to do it says what is available, exit 0', async () => {
    const r = await lab.run(['upgrade', ...IGN], { env: env() });
    expect(r.code, r.all).toBe(0);
    expect(r.all).toMatch(/nothing to do: kspray-lab runs Kubernetes v1\.36\.4 on kubespray v2\.32\.0/);
  });
});
