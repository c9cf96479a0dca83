// Differential validation: every mutated homelab config (test/fixtures/mutations.ts) that kspray can render goes
// through kspray's own rules (validateText) and through real kubespray's inventory checks (the playbook
// `kspray validate --kubespray` runs), for v2.25.0 and v2.31.0. Nothing kubespray rejects may pass kspray, nothing may
// crash, and every config only kspray rejects is rejected by a rule listed below with the reason it is stricter.
//
// Speed: the checks run in one Python process per shard (kubespray-batch.py: ansible-playbook's own CLI once per
// inventory, task workers in-process, see inprocess_workers.py), one shard per CPU, byte-identical inventories once.
// The in-process workers are checked against plain `ansible-playbook` runs (events identical) in the same test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateText } from '../../src/config/load.js';
import { mutatedConfigs } from '../fixtures/mutations.js';
import { prepareBatch, runBatch, type Batch, type BatchJob, type BatchOutcome } from './kubespray-batch.js';
import { realKubespray } from './real-kubespray.js';

/** kspray's rules that reject configs kubespray's inventory checks accept, and why kspray is stricter. */
const ksprayOnly: Record<string, string> = {};

/** Configs kubespray rejects and kspray accepts, known and not fixed yet (each a kspray bug): `<ref> <mutant id>` → what is missing. */
const knownGaps: Record<string, string> = {};

const refs = [
  { ref: 'v2.25.0', tag: 'v2.25.0', kube: 'v1.29.5' },
  { ref: 'v2.31.0', tag: 'v2.31.0', kube: 'v1.34.3' },
];

// the homelab example's own release and Kubernetes version; a mutant that changed them keeps its value
const adapt = (yaml: string, r: (typeof refs)[number]) =>
  yaml.replace(/^(    version: )v2\.25\.0$/m, `$1${r.tag}`).replace(/^(  kubernetes:\n    version: )v1\.29\.5$/m, `$1${r.kube}`);

// KSPRAY_DIFF_COUNT: a smaller sample (every family still in it) for a quick local run
const mutants = mutatedConfigs(process.env.KSPRAY_DIFF_COUNT ? { count: Number(process.env.KSPRAY_DIFF_COUNT) } : {});
const shards = Math.max(1, Math.min(os.availableParallelism(), 8));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-diff-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(refs)('kspray and kubespray $ref agree on the mutated corpus', (r) => {
  const rk = realKubespray(r.ref);
  const skip = 'skip' in rk ? rk.skip : undefined;
  const state: { batches?: Batch[]; jobs?: BatchJob[]; outcomes?: BatchOutcome[] } = {};

  it.skipIf(skip)(`every renderable mutant: no crash, nothing only kubespray rejects, every kspray-only rejection explained${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 3_600_000 }, async () => {
    const { dir, venv } = rk as { dir: string; venv: string };
    const crashes: string[] = [];
    const unrepresentable: string[] = [];
    // a mutant naming another release is that release's checkout's to judge, not this one's
    const otherRelease: string[] = [];
    const jobs: (BatchJob & { errors: { rule: string; message: string }[] })[] = [];
    for (const m of mutants) {
      const text = adapt(m.yaml, r);
      try {
        const v = validateText(text);
        if (!v.cluster) unrepresentable.push(`${m.id}: ${v.errors.map((e) => e.rule).join(', ')}`);
        else if (v.cluster.config.spec.kubespray.version !== r.tag) otherRelease.push(`${m.id}: ${v.cluster.config.spec.kubespray.version}`);
        else jobs.push({ id: m.id, text, cluster: v.cluster, errors: v.errors });
      } catch (e) {
        crashes.push(`${m.id}: kspray validate threw ${String(e)}`);
      }
    }
    const batches = await Promise.all(Array.from({ length: shards }, (_, k) => prepareBatch(dir, venv, fs.mkdtempSync(path.join(tmp, `${r.ref}-${k}-`)))));
    const began = Date.now();
    const outcomes = await runBatch(batches, jobs, { inProcessWorkers: true });
    const seconds = (Date.now() - began) / 1000;
    Object.assign(state, { batches, jobs, outcomes });

    const kubesprayOnly: string[] = [];
    const unexplained: string[] = [];
    const byRule = new Map<string, number>();
    let agree = 0;
    for (const [n, j] of jobs.entries()) {
      const o = outcomes[n]!;
      if (o.crash) crashes.push(`${j.id}: ${o.crash}`);
      const ks = o.problems;
      if (ks.length && !j.errors.length) {
        if (!knownGaps[`${r.ref} ${j.id}`]) kubesprayOnly.push(`${j.id}: ${ks.map((p) => `${p.rule} at ${p.path}: ${p.message}`).join(' | ')}`);
      } else if (!ks.length && j.errors.length) {
        for (const e of j.errors) {
          byRule.set(e.rule, (byRule.get(e.rule) ?? 0) + 1);
          if (!ksprayOnly[e.rule]) unexplained.push(`${j.id}: ${e.rule}: ${e.message}`);
        }
      } else agree++;
    }
    // KSPRAY_DIFF_REPORT: where to write every verdict, to review the tables below
    if (process.env.KSPRAY_DIFF_REPORT)
      fs.writeFileSync(`${process.env.KSPRAY_DIFF_REPORT}.${r.ref}.json`, JSON.stringify({ unrepresentable, otherRelease, kubesprayOnly, unexplained, byRule: Object.fromEntries(byRule), verdicts: jobs.map((j, n) => ({ id: j.id, kspray: j.errors.map((e) => e.rule), kubespray: outcomes[n]!.problems.map((p) => `${p.rule}: ${p.message}`), seconds: outcomes[n]!.seconds })) }, null, 1));
    const ran = new Set(outcomes.map((o) => o.shared ?? o.id)).size;
    console.log(
      `kubespray ${r.ref}: ${mutants.length} mutants, ${unrepresentable.length} not representable as an inventory, ${otherRelease.length} for another release, ${jobs.length} checked ` +
        `(${ran} distinct inventories, ${shards} shard(s), ${seconds.toFixed(0)} s): ${agree} agree, ${[...byRule.values()].reduce((a, b) => a + b, 0)} kspray-only rejections by ${byRule.size} rules`,
    );
    expect(unrepresentable.length + otherRelease.length + jobs.length + crashes.filter((c) => c.includes('validate threw')).length).toBe(mutants.length);
    expect(crashes).toEqual([]);
    expect(kubesprayOnly, 'configs kubespray rejects and kspray accepts').toEqual([]);
    expect(unexplained, 'kspray-only rejections by a rule not in the ksprayOnly table').toEqual([]);
    // a known gap leaves the list when kspray rejects the config (or kubespray accepts it)
    const stale = Object.keys(knownGaps).filter((k) => k.startsWith(`${r.ref} `) && !jobs.some((j, n) => `${r.ref} ${j.id}` === k && outcomes[n]!.problems.length && !j.errors.length));
    expect(stale, 'knownGaps entries that are no longer gaps').toEqual([]);
  });

  it.skipIf(skip)('the batched run gives the events plain ansible-playbook runs give (passing and failing mutants, late in their shard)', async () => {
    if (!state.outcomes) throw new Error('the corpus run did not finish');
    const { jobs, outcomes, batches } = state as Required<typeof state>;
    // from the end of the corpus: whatever a run leaves behind in the process would show there
    const late = [...jobs.keys()].reverse().filter((n) => !outcomes[n]!.crash && !outcomes[n]!.shared);
    const pick = (failing: boolean) => late.filter((n) => Boolean(outcomes[n]!.problems.length) === failing).slice(0, 3);
    const sample = [...pick(true), ...pick(false)];
    expect(sample.length).toBeGreaterThanOrEqual(4);
    const plain = await runBatch([batches[0]!], sample.map((n) => jobs[n]!), { separateProcesses: true });
    for (const [k, n] of sample.entries()) {
      expect(plain[k]!.crash, jobs[n]!.id).toBeUndefined();
      expect(plain[k]!.events.length, jobs[n]!.id).toBeGreaterThan(20);
      expect(outcomes[n]!.events, jobs[n]!.id).toEqual(plain[k]!.events);
    }
  });
});
