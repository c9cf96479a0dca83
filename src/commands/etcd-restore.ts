// kspray etcd-restore FILE: verify the snapshot, confirm, then kubespray's recover-control-plane.yml with it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { becomePassword, type BecomeOptions } from '../become.js';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { runFlow } from '../flows/flow.js';
import { confirmTyped } from '../io/confirm.js';
import { openWorkspace } from '../workspace.js';
import { restoreInventoryDir, restorePhases } from '../flows/etcd-restore.js';
import type { ClusterState } from '../etcd/status.js';
import { verifyBackup } from '../etcd/verify.js';

export interface RestoreOptions extends BecomeOptions {
  yes?: boolean;
  identity?: string;
  dryRun?: boolean;
  skipKubesprayChecks?: boolean;
}

export async function etcdRestore(ctx: CommandContext, file: string, o: RestoreOptions): Promise<number> {
  const ws = await openWorkspace(ctx, { forHosts: true });
  const r = ctx.reporter;
  // a decrypted copy (if any) lives only in a private temp dir for the length of the restore
  const tmp = await mkdtemp(join(tmpdir(), 'kspray-restore-'));
  try {
    const v = await verifyBackup(resolve(ctx.cwd, file), { env: ctx.env, keepPlainIn: tmp, ...(o.identity ? { identity: resolve(ctx.cwd, o.identity) } : {}) });
    for (const c of v.checks) r.info(`${c.ok === true ? 'ok  ' : c.ok === false ? 'FAIL' : 'skip'} ${c.name}: ${c.detail}`);
    if (!v.plain) throw new KsprayError('BadArgument', `${file} is age-encrypted: pass --identity FILE to restore it`);
    if (!v.ok) throw new KsprayError('BackupFailed', `${file} did not verify; refusing to restore it`, { details: v.checks.filter((c) => c.ok === false).map((c) => `${c.name}: ${c.detail}`) });
    if (v.meta && v.meta.cluster !== ws.cluster.name) throw new KsprayError('BadArgument', `${file} is a backup of cluster ${v.meta.cluster}, not ${ws.cluster.name}`);
    if (v.meta?.degraded) r.warn('this is a DEGRADED snapshot (taken without quorum): it may miss the last writes the cluster acknowledged');
    const what = v.meta ? `revision ${v.meta.revision}, ${v.meta.totalKey} keys, taken ${v.meta.time} from ${v.meta.member}` : 'no metadata';
    if (!o.dryRun)
      await confirmTyped(ctx.reporter, `This replaces the etcd data of every member of ${ws.cluster.name} with ${file} (${what}); everything written since is lost.`, ws.cluster.name, o.yes);
    const pw = o.dryRun ? undefined : await becomePassword(o, ctx.env, ctx.reporter);
    let state: ClusterState | undefined;
    const code = await runFlow('etcd-restore', restorePhases(ws, v.plain, (s) => (state = s)), { ...ws, inventoryDir: restoreInventoryDir(ws) }, { dryRun: Boolean(o.dryRun), skipKubesprayChecks: Boolean(o.skipKubesprayChecks), ...(pw !== undefined ? { becomePassword: pw } : {}) });
    if (state) r.result({ file: v.file, restored: true, revision: v.meta?.revision, cluster_state: state });
    return code;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
