// Every run keeps a record: command (redacted), rendered inventory, full Ansible output, events, result.
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redact } from '../io/redact.js';
import { writeFileAtomic } from '../fsutil/atomic.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'planned';

export interface RunResult {
  id: string;
  flow: string;
  cluster: string;
  status: RunStatus;
  exitCode: number;
  started: string;
  finished?: string;
  durationMs?: number;
  command: string;
  /** arguments passed through to ansible-playbook after `--` */
  ansibleArgs?: string[];
  steps: { title: string; command?: string; status: string; durationMs?: number }[];
  failures: { host: string; task: string; msg: string; unreachable: boolean }[];
  recap?: Record<string, unknown>;
  /** the release train's hops this run completed, in order */
  train?: { hop: number; of: number; tag: string; kube: string }[];
}

export const runsDir = (configDir: string) => join(configDir, '.kspray', 'runs');

export class RunRecord {
  private constructor(
    readonly dir: string,
    readonly result: RunResult,
  ) {}

  static async create(configDir: string, flow: string, cluster: string, argv: string[]): Promise<RunRecord> {
    const started = new Date();
    const id = `${started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${flow}`;
    const dir = join(runsDir(configDir), id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const command = redact(argv.join(' '));
    const rec = new RunRecord(dir, { id, flow, cluster, status: 'running', exitCode: -1, started: started.toISOString(), command, steps: [], failures: [] });
    await writeFile(join(dir, 'command.txt'), command + '\n', { mode: 0o600 });
    await rec.save();
    return rec;
  }

  get eventsFile(): string {
    return join(this.dir, 'events.jsonl');
  }
  get logFile(): string {
    return join(this.dir, 'ansible.log');
  }

  async snapshotInventory(inventoryDir: string): Promise<void> {
    await cp(inventoryDir, join(this.dir, 'inventory'), { recursive: true });
  }

  /** The config as it was when the run started (it may change during add-node/remove-node/upgrade). */
  async snapshotConfig(text: string): Promise<void> {
    await writeFile(join(this.dir, 'config.yaml'), text, { mode: 0o600 });
  }

  async save(): Promise<void> {
    await writeFileAtomic(join(this.dir, 'result.json'), JSON.stringify(this.result, null, 2) + '\n', 0o600);
  }

  async finish(status: RunStatus, exitCode: number): Promise<void> {
    const end = new Date();
    this.result.status = status;
    this.result.exitCode = exitCode;
    this.result.finished = end.toISOString();
    this.result.durationMs = end.getTime() - new Date(this.result.started).getTime();
    await this.save();
  }
}

export async function listRuns(configDir: string): Promise<RunResult[]> {
  const dir = runsDir(configDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: RunResult[] = [];
  for (const n of names.sort()) {
    const r = await readFile(join(dir, n, 'result.json'), 'utf8')
      .then((t) => JSON.parse(t) as RunResult)
      .catch(() => undefined);
    if (r) out.push(r);
  }
  return out;
}

/** Duration of the last successful run of a flow, for the live estimate. */
export async function lastDuration(configDir: string, flow: string, cluster: string): Promise<number | undefined> {
  const runs = await listRuns(configDir);
  return runs.reverse().find((r) => r.flow === flow && r.cluster === cluster && r.status === 'succeeded')?.durationMs;
}
