// The Release of the kubespray checkout at spec.kubespray.path: its own files read (fs only, no process), merged over
// the table entry for its tag. Where they disagree the checkout wins; a tag the table lacks works from its checkout.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { findRelease, releases, type Release } from '../config/releases.js';
import { cacheRoot } from '../paths.js';
import { compareVersions, moduleUrl as varsUrl } from './defaults-vars.js';
import { cacheFile, codeStamp, readCached, writeCached } from './disk-cache.js';
import { releaseDifferences } from './release-diff.js';
import { checkoutFacts, factFiles, galaxyVersion, moduleUrl as factsUrl, type CheckoutFacts, type CheckoutFiles } from './release-facts.js';

export interface CheckoutRelease {
  dir: string;
  /** e.g. v2.31.0 */
  tag: string;
  tagFrom: 'git' | 'galaxy.yml';
  facts: CheckoutFacts;
  /** undefined when the files state too little to deploy from (not a kubespray checkout of v2.24+) */
  release?: Release;
  /** kspray's table entry for the tag */
  table?: Release;
  /** how the checkout's facts differ from the table entry */
  differences: string[];
}

export const normalizeTag = (tag: string) => (tag.startsWith('v') ? tag : `v${tag}`);

/** The table entry whose facts a newer tag most likely shares where its files are silent: the newest one not after it. */
export function nearestRelease(tag: string): Release {
  const older = releases.filter((r) => compareVersions(r.tag, tag) <= 0);
  return older.at(-1) ?? releases[0]!;
}

/** Facts over the table: undefined when the checkout does not state its Kubernetes versions. */
export function mergeRelease(tag: string, facts: CheckoutFacts): { release?: Release; table?: Release } {
  const table = findRelease(tag);
  const { kube, defaultKube } = facts.read;
  if (!kube || !Object.keys(kube).length || !defaultKube) return table ? { table } : {};
  // explicit keys: a fact stated as absent (componentMaps: undefined) must replace the table's value
  const release: Release = { ...(table ?? nearestRelease(tag)), ...facts.read, tag };
  if (release.componentMaps === undefined) delete release.componentMaps;
  return { release, ...(table ? { table } : {}) };
}

export async function readCheckoutFiles(dir: string, paths: readonly string[] = factFiles): Promise<CheckoutFiles> {
  const texts = await Promise.all(paths.map((p) => readFile(join(dir, p), 'utf8').catch(() => undefined)));
  return Object.fromEntries(paths.map((p, i) => [p, texts[i]]));
}

/** checkoutFacts of these files, kept on disk by their contents: parsing the checkout's YAML is most of reading it, and
 *  `validate` reads it on every run. Stored with v8's serializer, which keeps a fact stated as undefined. */
async function cachedFacts(files: CheckoutFiles, cacheDir: string): Promise<CheckoutFacts> {
  const file = cacheFile(cacheDir, 'checkout-facts', [process.version, await codeStamp([factsUrl, varsUrl]), JSON.stringify(files)], 'v8');
  const stored = await readCached(file);
  if (stored !== undefined) {
    try {
      return deserialize(stored) as CheckoutFacts;
    } catch {
      // a damaged entry is made again below
    }
  }
  const facts = checkoutFacts(files);
  await writeCached(file, serialize(facts));
  return facts;
}

/**
 * What the checkout at `dir` is and states. Its tag comes from `gitTag` when given (doctor spawns git) and otherwise
 * from galaxy.yml, whose version is the tag's in every release (validate stays free of processes).
 * Undefined when `dir` is no kubespray checkout.
 */
export async function readCheckoutRelease(dir: string, gitTag?: (dir: string) => Promise<string | undefined>, cacheDir = cacheRoot(process.env)): Promise<CheckoutRelease | undefined> {
  // one read settles the common case of no checkout yet
  const galaxy = await readFile(join(dir, 'galaxy.yml'), 'utf8').catch(() => undefined);
  const fromGit = gitTag ? await gitTag(dir) : undefined;
  const version = galaxyVersion(galaxy);
  if (!fromGit && !version) return undefined;
  const facts = await cachedFacts({ ...(await readCheckoutFiles(dir, factFiles.filter((f) => f !== 'galaxy.yml'))), 'galaxy.yml': galaxy }, cacheDir);
  const tag = normalizeTag(fromGit ?? version!);
  const { release, table } = mergeRelease(tag, facts);
  const differences = release && table ? releaseDifferences(release, table) : [];
  return { dir, tag, tagFrom: fromGit ? 'git' : 'galaxy.yml', facts, ...(release ? { release } : {}), ...(table ? { table } : {}), differences };
}
