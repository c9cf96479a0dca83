// kspray etcd-backup [list|verify|schedule|unschedule]: thin commands over src/etcd/.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { becomePassword, type BecomeOptions } from '../become.js';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { run } from '../exec.js';
import { runFlow } from '../flows/flow.js';
import { packagePath } from '../paths.js';
import { openWorkspace } from '../workspace.js';
import { backupPhases, backupRoot, type BackupResult } from '../flows/etcd-backup.js';
import { parseEvery, renderUnits, systemctlSteps, unitBase, unitDir } from '../etcd/schedule.js';
import { mib } from '../etcd/status.js';
import { clusterDir, listBackups, storedState } from '../etcd/store.js';
import { verifyBackup } from '../etcd/verify.js';

export interface BackupCommandOptions extends BecomeOptions {
  out?: string;
  keep?: string;
  member?: string;
  allowDegraded?: boolean;
}

const count = (v: string | undefined, flag: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new KsprayError('BadArgument', `${flag} must be a whole number ≥ 1, not "${v}"`);
  return n;
};

export async function etcdBackup(ctx: CommandContext, o: BackupCommandOptions): Promise<number> {
  const keep = count(o.keep, '--keep');
  const ws = await openWorkspace(ctx, { forHosts: true });
  const pw = await becomePassword(o, ctx.env, ctx.reporter);
  let res: BackupResult | undefined;
  const phases = backupPhases({ ...(o.out ? { out: o.out } : {}), ...(keep ? { keep } : {}), ...(o.member ? { member: o.member } : {}), allowDegraded: Boolean(o.allowDegraded) }, (_fc, b) => void (res = b));
  const code = await runFlow('etcd-backup', phases, ws, pw !== undefined ? { becomePassword: pw } : {});
  const r = ctx.reporter;
  const b = res!;
  r.result({ file: b.file, metadata: b.file.replace(/\.db(\.age)?$/, '.json'), ...b.meta, deleted: b.deleted, transfer: b.transfer, cluster_state: b.state }, () => {
    r.success(`${b.meta.degraded ? 'DEGRADED ' : ''}backup ${b.file}`);
    r.info(`  ${b.meta.totalKey} keys, revision ${b.meta.revision}, ${mib(b.meta.size)}, sha256 ${b.meta.sha256}${b.meta.encryption ? ', age-encrypted' : ''}`);
  });
  return code;
}

export async function etcdBackupList(ctx: CommandContext, o: { out?: string }): Promise<number> {
  const ws = await openWorkspace(ctx);
  const dir = clusterDir(backupRoot({ ws }, o.out), ws.cluster.name);
  const now = Date.now();
  const rows = (await listBackups(dir)).map((b) => ({
    file: b.file,
    size: b.size,
    time: b.meta?.time ?? new Date(b.mtimeMs).toISOString(),
    ageHours: Math.round((now - Date.parse(b.meta?.time ?? new Date(b.mtimeMs).toISOString())) / 360_000) / 10,
    member: b.meta?.member,
    revision: b.meta?.revision,
    keys: b.meta?.totalKey,
    encrypted: Boolean(b.meta?.encryption),
    degraded: Boolean(b.meta?.degraded),
    state: storedState(b),
    verified: storedState(b) === 'ok',
  }));
  const r = ctx.reporter;
  r.result({ dir, backups: rows }, () => {
    if (!rows.length) return r.info(`no backups in ${dir}`);
    r.info(`${dir}:`);
    for (const x of rows)
      r.info(`  ${x.file.slice(dir.length + 1).padEnd(44)} ${mib(x.size).padStart(10)}  ${age(x.ageHours).padStart(7)}  ${x.verified ? 'verified at backup' : x.state}${x.encrypted ? ', encrypted' : ''}${x.degraded ? ', DEGRADED' : ''}`);
  });
  return 0;
}

const age = (h: number) => (h < 48 ? `${h.toFixed(1)}h` : `${Math.round(h / 24)}d`);

export async function etcdBackupVerify(ctx: CommandContext, file: string, o: { identity?: string }): Promise<number> {
  const v = await verifyBackup(resolve(ctx.cwd, file), { env: ctx.env, ...(o.identity ? { identity: resolve(ctx.cwd, o.identity) } : {}) });
  const r = ctx.reporter;
  r.result(v, () => {
    for (const c of v.checks) r.info(`${c.ok === true ? 'ok  ' : c.ok === false ? 'FAIL' : 'skip'} ${c.name}: ${c.detail}`);
    if (v.ok) r.success(`${v.file}: verified`);
  });
  if (!v.ok) throw new KsprayError('BackupFailed', `${v.file} did not verify`, { details: v.checks.filter((c) => c.ok === false).map((c) => `${c.name}: ${c.detail}`) });
  return 0;
}

export interface ScheduleOptions extends BecomeOptions {
  daily?: boolean;
  every?: string;
  system?: boolean;
  print?: boolean;
  unitDir?: string;
  keep?: string;
  out?: string;
}

/** systemd is running here (sd_booted) and systemctl is installed. */
const systemdHere = () => existsSync('/run/systemd/system');

export async function etcdBackupSchedule(ctx: CommandContext, o: ScheduleOptions): Promise<number> {
  if (Boolean(o.daily) === Boolean(o.every)) throw new KsprayError('BadArgument', 'schedule needs exactly one of --daily or --every DURATION', { hint: 'kspray etcd-backup schedule --daily' });
  const every = o.every === undefined ? undefined : parseEvery(o.every);
  if (o.every !== undefined && !every) throw new KsprayError('BadArgument', `--every "${o.every}" is not a systemd time span of at least 5 minutes`, { hint: 'e.g. --every 6h, --every 30min, --every "1h 30min"' });
  const keep = count(o.keep, '--keep');
  const ws = await openWorkspace(ctx);
  const units = renderUnits({
    cluster: ws.cluster.name,
    node: process.execPath,
    kspray: packagePath('bin', 'kspray'),
    config: ctx.configPath,
    daily: Boolean(o.daily),
    ...(every ? { every } : {}),
    system: Boolean(o.system),
    ...(keep ? { keep } : {}),
    ...(o.out ? { out: resolve(ctx.cwd, o.out) } : {}),
    ...(o.becomePasswordFile ? { becomePasswordFile: resolve(ctx.cwd, o.becomePasswordFile) } : {}),
  });
  const r = ctx.reporter;
  if (o.print) {
    r.result({ units }, () => units.forEach((u) => r.print(`# ${u.name}\n${u.text}`)));
    return 0;
  }
  const dir = unitDir({ system: Boolean(o.system), ...(o.unitDir ? { unitDir: resolve(ctx.cwd, o.unitDir) } : {}), env: ctx.env });
  await mkdir(dir, { recursive: true });
  for (const u of units) await writeFile(join(dir, u.name), u.text, { mode: 0o644 });
  const steps = await activate(Boolean(o.system), `${unitBase(ws.cluster.name)}.timer`, true, Boolean(o.unitDir));
  r.result({ dir, units: units.map((u) => join(dir, u.name)), ...steps }, () => {
    r.success(`wrote ${units.map((u) => join(dir, u.name)).join(', ')}`);
    report(ctx, steps);
  });
  return 0;
}

export async function etcdBackupUnschedule(ctx: CommandContext, o: { system?: boolean; unitDir?: string }): Promise<number> {
  const ws = await openWorkspace(ctx);
  const base = unitBase(ws.cluster.name);
  const dir = unitDir({ system: Boolean(o.system), ...(o.unitDir ? { unitDir: resolve(ctx.cwd, o.unitDir) } : {}), env: ctx.env });
  const steps = await activate(Boolean(o.system), `${base}.timer`, false, Boolean(o.unitDir));
  const removed: string[] = [];
  for (const n of [`${base}.timer`, `${base}.service`]) {
    const p = join(dir, n);
    if (await stat(p).catch(() => undefined)) {
      if (!(await readFile(p, 'utf8')).includes('kspray etcd-backup schedule')) throw new KsprayError('BadArgument', `${p} was not written by kspray; not removing it`);
      await rm(p);
      removed.push(p);
    }
  }
  const r = ctx.reporter;
  r.result({ dir, removed, ...steps }, () => {
    r.success(removed.length ? `removed ${removed.join(', ')}` : `no kspray backup units in ${dir}`);
    report(ctx, steps);
  });
  return 0;
}

/** Run systemctl when systemd runs here (and units went to its own dir); otherwise say what to run. Never fails. */
async function activate(system: boolean, timer: string, install: boolean, customDir: boolean): Promise<{ ran: string[]; toRun: string[]; warning?: string }> {
  const steps = systemctlSteps(system, timer, install);
  const show = (s: string[]) => s.join(' ');
  if (customDir || !systemdHere()) return { ran: [], toRun: steps.map(show), ...(customDir ? {} : { warning: 'systemd is not running on this machine' }) };
  const ran: string[] = [];
  for (const s of steps) {
    const res = await run(s, { timeoutMs: 30_000 }).catch((e: Error) => ({ exitCode: -1, stderr: e.message }));
    if (res.exitCode !== 0) return { ran, toRun: steps.slice(ran.length).map(show), warning: `${show(s)} failed: ${res.stderr.trim().split('\n').at(-1) ?? ''}` };
    ran.push(show(s));
  }
  return { ran, toRun: [] };
}

function report(ctx: CommandContext, s: { ran: string[]; toRun: string[]; warning?: string }) {
  const r = ctx.reporter;
  if (s.warning) r.warn(s.warning);
  for (const x of s.ran) r.info(`ran: ${x}`);
  if (s.toRun.length) r.info(`to activate, run:\n${s.toRun.map((x) => `  ${x}`).join('\n')}`);
}
