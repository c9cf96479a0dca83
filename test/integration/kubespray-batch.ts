// Test machinery: kubespray's own inventory checks (the playbook `kspray validate --kubespray` runs) for many configs
// of one checkout, in one Python process (kubespray-batch.py). Each config gets its own rendered inventory and events
// file; the playbook, the roles and the ansible-playbook arguments are the ones src/kubespray/checks.ts uses.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster } from '../../src/config/model.js';
import type { Problem } from '../../src/config/problems.js';
import { parseYaml } from '../../src/config/yaml-source.js';
import { run } from '../../src/exec.js';
import { renderInventory } from '../../src/inventory/render.js';
import { checksPlan, type ChecksPlan } from '../../src/kubespray/checks-playbook.js';
import { checksCommand, readFailures } from '../../src/kubespray/checks.js';
import type { CheckFailure } from '../../src/kubespray/map-failures.js';
import { readCheckout } from '../../src/kubespray/checkout.js';
import { failureProblems } from '../../src/kubespray/map-failures.js';
import { buildVarMap } from '../../src/kubespray/var-map.js';
import { REPO_DIR } from '../lab/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const callbackDir = path.join(REPO_DIR, 'templates', 'ansible', 'callback');

export interface BatchJob {
  id: string;
  cluster: Cluster;
  text: string;
}

export interface BatchOutcome {
  id: string;
  /** kubespray's failed checks, mapped as `validate --kubespray` maps them */
  problems: Problem[];
  /** ansible-playbook's exit code (the checks ignore errors: non-zero with no failure is Ansible itself failing) */
  rc: number | undefined;
  /** a Python exception out of the run, or Ansible failing with no check failed */
  crash?: string;
  /** the run's events, normalised for comparing two ways of running the same inventory */
  events: string[];
  seconds: number;
  /** the job whose run this one shares (its inventory is byte-identical) */
  shared?: string;
}

export interface Batch {
  dir: string;
  plan: ChecksPlan;
  kubesprayDir: string;
  venv: string;
}

/** The checks playbook for a checkout, written once into `dir`: every inventory of the batch runs it. */
export async function prepareBatch(kubesprayDir: string, venv: string, dir: string): Promise<Batch> {
  const texts = await readCheckout(kubesprayDir);
  if (!texts) throw new Error(`${kubesprayDir} has no kubespray checks`);
  const plan = checksPlan(texts, dir);
  for (const f of plan.files) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.content);
  }
  for (const l of plan.links) {
    fs.mkdirSync(path.dirname(path.join(dir, l.path)), { recursive: true });
    fs.symlinkSync(l.target, path.join(dir, l.path));
  }
  return { dir, plan, kubesprayDir, venv };
}

// one digest for all: the rendered header names it, and kubespray never reads it
const inventoryText = (j: BatchJob) => renderInventory(j.cluster, { source: 'kspray.yaml', digest: '0'.repeat(64) });

/** A key equal for configs whose rendered inventories are byte-identical (kubespray cannot tell them apart). */
export const inventoryKey = (j: BatchJob) => JSON.stringify(inventoryText(j));

/** Events without timing or the batch's own dir, in an order that does not depend on which worker finished first. */
export function normalisedEvents(file: string, dir: string): string[] {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const { ts: _ts, ...e } = JSON.parse(line.split(dir).join('<dir>')) as Record<string, unknown>;
    if (e.type === 'stats' || e.type === 'playbook_start') continue;
    out.push(JSON.stringify(e, Object.keys(e).sort()));
  }
  return out.sort();
}

export interface RunBatchOptions {
  /** run Ansible's task workers inside the driver process instead of forking one per task and host */
  inProcessWorkers?: boolean;
  /** one ansible-playbook process per job (the way `validate --kubespray` runs it), to compare against */
  separateProcesses?: boolean;
}

interface Line {
  id: string;
  inventory: string;
  events: string;
}
interface Result {
  id: string;
  rc?: number;
  crash?: string;
  seconds: number;
}

/** Runs the jobs on one batch (one playbook dir, one inventory link): in one driver process, or one ansible-playbook each. */
type RawOutcome = Omit<BatchOutcome, 'id' | 'problems' | 'shared'> & { failures: CheckFailure[] };

async function runShard(b: Batch, jobs: BatchJob[], opts: RunBatchOptions): Promise<RawOutcome[]> {
  const work = fs.mkdtempSync(path.join(b.dir, 'run-'));
  const link = path.join(b.dir, 'inventory');
  const lines: Line[] = jobs.map((j, n) => {
    const inv = path.join(work, `inv-${n}`);
    for (const f of inventoryText(j)) {
      fs.mkdirSync(path.dirname(path.join(inv, f.path)), { recursive: true });
      fs.writeFileSync(path.join(inv, f.path), f.content);
    }
    return { id: j.id, inventory: inv, events: path.join(work, `events-${n}.jsonl`) };
  });
  const cmd = checksCommand(b.dir, { kubesprayDir: b.kubesprayDir, ansiblePlaybook: path.join(b.venv, 'bin', 'ansible-playbook'), callbackDir });
  const results = path.join(work, 'results.jsonl');
  if (opts.separateProcesses)
    for (const l of lines) {
      const began = Date.now();
      fs.rmSync(link, { force: true });
      fs.symlinkSync(l.inventory, link);
      const r = await run(cmd.argv, { cwd: cmd.cwd, env: { ...cmd.env, KSPRAY_EVENTS_FILE: l.events } });
      fs.appendFileSync(results, JSON.stringify({ id: l.id, rc: r.exitCode, seconds: (Date.now() - began) / 1000 }) + '\n');
    }
  else {
    const jobsFile = path.join(work, 'jobs.jsonl');
    fs.writeFileSync(jobsFile, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const argv = [path.join(b.venv, 'bin', 'python'), path.join(here, 'kubespray-batch.py'), jobsFile, results, ...(opts.inProcessWorkers ? ['--in-process-workers'] : []), '--', ...cmd.argv.slice(1)];
    const r = await run(argv, { cwd: cmd.cwd, env: { ...cmd.env, KSPRAY_BATCH_LINK: link, PYTHONPATH: here }, collect: false });
    if (r.exitCode !== 0) throw new Error(`the batch driver exited with ${r.exitCode ?? r.signal}`);
  }
  const byId = new Map(
    fs
      .readFileSync(results, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Result)
      .map((r) => [r.id, r]),
  );
  const out: RawOutcome[] = [];
  for (const [n, j] of jobs.entries()) {
    const r = byId.get(j.id);
    const events = lines[n]!.events;
    const failures = await readFailures(events);
    const crash = r === undefined ? 'no result' : (r.crash ?? (r.rc !== 0 && !failures.length ? `ansible-playbook exited with ${r.rc} and no check failed` : undefined));
    out.push({ failures, rc: r?.rc, ...(crash !== undefined ? { crash } : {}), events: normalisedEvents(events, b.dir), seconds: r?.seconds ?? 0 });
  }
  fs.rmSync(work, { recursive: true, force: true });
  return out;
}

/**
 * The jobs spread over the batches (one process each, side by side); outcomes in the jobs' order. Jobs whose
 * inventories are byte-identical run once: kubespray sees the same input, and its failures are mapped to each config.
 */
export async function runBatch(batches: Batch[], jobs: BatchJob[], opts: RunBatchOptions = {}): Promise<BatchOutcome[]> {
  const firstOf = new Map<string, BatchJob>();
  const keyOf = jobs.map((j) => {
    const k = inventoryKey(j);
    if (!firstOf.has(k)) firstOf.set(k, j);
    return k;
  });
  const unique = [...firstOf.values()];
  const shards = batches.map((b, k) => unique.filter((_, n) => n % batches.length === k));
  const done = await Promise.all(shards.map((s, k) => runShard(batches[k]!, s, opts)));
  const raw = new Map(shards.flatMap((s, k) => s.map((j, n) => [j.id, done[k]![n]!] as const)));
  const plan = batches[0]!.plan;
  return jobs.map((j, n) => {
    const first = firstOf.get(keyOf[n]!)!;
    const { failures, ...r } = raw.get(first.id)!;
    return { id: j.id, ...r, problems: failureProblems(failures, plan.tasks, j.cluster, buildVarMap(j.cluster), parseYaml(j.text).source), ...(first !== j ? { shared: first.id } : {}) };
  });
}
