// Real kubespray: the facts kspray reads from each tag's files equal its built-in table; where a checkout differs,
// validate follows the checkout and doctor names the difference; a tag the table lacks works from its checkout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { releaseAddonVersions } from '../../src/config/release-addons.js';
import { findRelease, releases, type Release } from '../../src/config/releases.js';
import { mergeRelease, readCheckoutRelease } from '../../src/kubespray/checkout-release.js';
import { checkoutFacts, factFiles, type CheckoutFiles } from '../../src/kubespray/release-facts.js';
import { REPO_DIR } from '../lab/index.js';
import { kspray } from './helpers.js';

const bundle = process.env.KSPRAY_KUBESPRAY_BUNDLE ?? path.join(REPO_DIR, '..', 'shared', 'kubespray', 'kubespray.bundle');
const checkouts = path.join(process.env.KSPRAY_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'kspray'), 'real-kubespray');
const cachedRefs = ['v2.25.0', 'v2.27.1', 'v2.28.1', 'v2.31.0', 'master'];
const skip = !fs.existsSync(bundle) ? `no real kubespray at ${bundle}` : undefined;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-facts-'));

/** master is the v2.32.0 candidate: it shows every fact of v2.32.0 but the release's Ansible 12 requirement */
const expectedFor = (ref: string): Release => {
  if (ref !== 'master') return findRelease(ref)!;
  const v232 = findRelease('v2.32.0')!;
  return { ...v232, ansibleCore: { min: '2.18.0', maxExclusive: '2.19.0' }, ansiblePackage: 'ansible==11.13.0' };
};

/** The fact files of every tag at once, through one `git cat-file --batch` over a bare clone of the bundle. */
async function filesOfTags(repo: string, tags: string[]): Promise<Map<string, CheckoutFiles>> {
  const asks = tags.flatMap((t) => factFiles.map((f) => [t, f] as const));
  const out = (await execa('git', ['-C', repo, 'cat-file', '--batch'], { input: asks.map(([t, f]) => `${t}:${f}`).join('\n') + '\n', encoding: 'buffer', maxBuffer: 1e9 })).stdout as Uint8Array;
  const buf = Buffer.from(out);
  const result = new Map<string, Record<string, string>>(tags.map((t) => [t, {}]));
  let pos = 0;
  for (const [tag, file] of asks) {
    const nl = buf.indexOf(10, pos);
    const header = buf.subarray(pos, nl).toString();
    pos = nl + 1;
    if (header.endsWith(' missing')) continue;
    const size = Number(header.split(' ')[2]);
    result.get(tag)![file] = buf.subarray(pos, pos + size).toString('utf8');
    pos += size + 1;
  }
  return result;
}

const bare = path.join(work, 'bundle.git');

/** The cached checkout of a ref (scripts/setup-real-kubespray.sh), or that ref's files extracted from the bundle. */
async function checkoutOf(ref: string): Promise<string> {
  const cached = path.join(checkouts, ref);
  if (fs.existsSync(path.join(cached, 'galaxy.yml'))) return cached;
  const dir = path.join(work, 'extracted', ref);
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    const tar = await execa('git', ['-C', bare, 'archive', ref], { encoding: 'buffer', maxBuffer: 1e9 });
    await execa('tar', ['-x', '-C', dir], { input: Buffer.from(tar.stdout as Uint8Array) });
  }
  return dir;
}

/** A kubespray "checkout" of just the files kspray reads (and cluster.yml, which doctor looks for). */
function copyCheckout(from: string, to: string): string {
  for (const f of [...factFiles, 'cluster.yml']) {
    const src = path.join(from, f);
    if (!fs.existsSync(src)) continue;
    fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
    fs.copyFileSync(src, path.join(to, f));
  }
  return to;
}

function writeConfig(name: string, kubespray: string, kubernetes: string, checkout: string): string {
  const text = fs
    .readFileSync(path.join(REPO_DIR, 'templates', 'examples', 'homelab.yaml'), 'utf8')
    .replace(/version: v2\.25\.0/, `version: ${kubespray}`)
    .replace(/version: v1\.29\.5/, `version: ${kubernetes}`)
    .replace(/path: \.\/kubespray/, `path: ${checkout}`);
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

describe.skipIf(skip)(`release facts from real kubespray${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    await execa('git', ['clone', '-q', '--bare', bundle, bare]);
  }, 120_000);

  it.each(cachedRefs)('%s: the checkout states every fact, and they equal the table', async (ref) => {
    const c = await readCheckoutRelease(await checkoutOf(ref));
    expect(c?.facts.unread).toEqual([]);
    expect(c?.tag).toBe(ref === 'master' ? 'v2.32.0' : ref);
    expect(c?.release).toEqual(expectedFor(ref));
    if (ref === 'master') expect(c?.differences).toEqual(["kubespray checkout v2.32.0 needs ansible-core ≥ 2.18.0, < 2.19.0; kspray's table says ≥ 2.19.0, < 2.20.0", "kubespray checkout v2.32.0 pins ansible==11.13.0 in requirements.txt; kspray's table says ansible==12.3.0"]);
    else expect(c?.differences).toEqual([]);
  });

  it('every tag in the table but v2.32.0 (not in the bundle) states what the table says', async () => {
    const tags = releases.map((r) => r.tag).filter((t) => t !== 'v2.32.0');
    const files = await filesOfTags(bare, tags);
    const wrong = tags.flatMap((tag) => {
      const facts = checkoutFacts(files.get(tag)!);
      const { release } = mergeRelease(tag, facts);
      return facts.unread.length ? [`${tag}: unread ${facts.unread.join(', ')}`] : JSON.stringify(release) === JSON.stringify(findRelease(tag)) ? [] : [`${tag}: ${JSON.stringify(release)}`];
    });
    expect(wrong).toEqual([]);
    // the add-on versions kspray ships for `kspray docs` without a checkout are each tag's own
    const sorted = (o: Record<string, string> | undefined) => JSON.stringify(Object.entries(o ?? {}).sort());
    const addons = tags.filter((tag) => sorted(checkoutFacts(files.get(tag)!).addonVersions) !== sorted(releaseAddonVersions[tag]));
    expect(addons, 'regenerate with scripts/generate-addon-versions.ts').toEqual([]);
    // the sample inventory declares k8s_cluster up to v2.26; from v2.27 kubespray builds the group at run time
    const declaring = tags.filter((t) => checkoutFacts(files.get(t)!).sampleDeclaresK8sCluster);
    expect(declaring).toEqual(tags.filter((t) => t < 'v2.27'));
  }, 120_000);

  describe('a checkout with one more checksum than the table', () => {
    let config: string;
    beforeAll(async () => {
      const dir = copyCheckout(await checkoutOf('v2.31.0'), path.join(work, 'v2.31.0-plus'));
      const file = path.join(dir, 'roles/kubespray_defaults/vars/main/checksums.yml');
      const text = fs.readFileSync(file, 'utf8');
      // kubelet amd64 gets 1.35.5 on top, which also makes it the default (kube_version is the first key)
      const at = text.indexOf('  amd64:\n', text.indexOf('\nkubelet_checksums:')) + '  amd64:\n'.length;
      fs.writeFileSync(file, `${text.slice(0, at)}    1.35.5: sha256:${'0'.repeat(64)}\n${text.slice(at)}`);
      config = writeConfig('plus', 'v2.31.0', 'v1.35.5', dir);
    });

    it('validate follows the checkout (the table alone rejects 1.35.5)', async () => {
      const r = await kspray(['-c', config, 'validate']);
      expect(r.code, r.all).toBe(0);
      const offline = await kspray(['-c', writeConfig('offline', 'v2.31.0', 'v1.35.5', './no-checkout'), 'validate']);
      expect(offline.code).toBe(3);
      expect(offline.stderr).toMatch(/cannot deploy Kubernetes v1\.35\.5/);
    });

    it('doctor names each difference', async () => {
      const r = await kspray(['-c', config, 'doctor', '-o', 'json']);
      const facts = (JSON.parse(r.stdout).checks as { check: string; ok: boolean; notes?: string[] }[]).find((c) => c.check === 'release facts');
      expect(facts?.ok).toBe(true);
      expect(facts?.notes).toEqual(["kubespray checkout v2.31.0 has checksums up to 1.35.5; kspray's table says 1.35.4", "kubespray checkout v2.31.0 defaults to Kubernetes 1.35.5; kspray's table says 1.35.4"]);
      const human = await kspray(['-c', config, 'doctor']);
      expect(human.all).toMatch(/has checksums up to 1\.35\.5; kspray's table says 1\.35\.4/);
    });
  });

  describe('a tag kspray has no table entry for', () => {
    let config: string;
    beforeAll(async () => {
      const dir = copyCheckout(await checkoutOf('master'), path.join(work, 'v2.33.0'));
      const galaxy = path.join(dir, 'galaxy.yml');
      fs.writeFileSync(galaxy, fs.readFileSync(galaxy, 'utf8').replace(/^version: .*$/m, 'version: 2.33.0'));
      config = writeConfig('future', 'v2.33.0', 'v1.36.4', dir);
    });

    it('works from its checkout, with a warning', async () => {
      const r = await kspray(['-c', config, 'validate']);
      expect(r.code, r.all).toBe(0);
      expect(r.stderr).toMatch(/kspray has no table entry for kubespray v2\.33\.0; its facts are read from the checkout/);
      const d = await kspray(['-c', config, 'doctor', '-o', 'json']);
      const checks = JSON.parse(d.stdout).checks as { check: string; ok: boolean; detail: string }[];
      expect(checks.find((c) => c.check === 'kubespray checkout')?.detail).toMatch(/is at v2\.33\.0 by its galaxy\.yml/);
      expect(checks.find((c) => c.check === 'release facts')?.detail).toMatch(/no table entry for kubespray v2\.33\.0/);
    });

    it('without the checkout stays a validate error', async () => {
      const r = await kspray(['-c', writeConfig('future-offline', 'v2.33.0', 'v1.36.4', './no-checkout'), 'validate']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/kubespray "v2\.33\.0" is not a release kspray knows/);
    });
  });
});
