// kspray kubeconfig: admin.conf from a control plane, renamed after the cluster, written 0600 or merged.
import { resolve } from 'node:path';
import { becomePassword, type BecomeOptions } from '../become.js';
import type { CommandContext } from '../context.js';
import { clusterPool } from '../ssh/pool.js';
import { openWorkspace } from '../workspace.js';

export interface KubeconfigOptions extends BecomeOptions {
  merge?: boolean;
  out?: string;
}

export async function kubeconfig(ctx: CommandContext, o: KubeconfigOptions): Promise<number> {
  const ws = await openWorkspace(ctx, { forHosts: true });
  const k = await import('../kube/kubeconfig.js');
  const pw = await becomePassword(o, ctx.env, ctx.reporter);
  const pool = clusterPool(ws.cluster, { configDir: ws.configDir, knownHostsFile: ws.knownHostsFile, ...(pw !== undefined ? { becomePassword: pw } : {}) });
  let got: Awaited<ReturnType<typeof k.fetchAdminKubeconfig>>;
  try {
    got = await k.fetchAdminKubeconfig(ws.cluster, pool);
  } finally {
    pool.close();
  }
  const path = o.out ? resolve(ctx.cwd, o.out) : o.merge ? k.mergeTarget(ctx.env) : k.stateKubeconfig(ws.stateDir);
  await k.writeKubeconfig(path, got.doc, Boolean(o.merge));
  const n = k.names(ws.cluster.name);
  const r = ctx.reporter;
  r.result({ path, context: n.context, server: got.server, from: got.host, merged: Boolean(o.merge) }, () => {
    r.success(`${o.merge ? 'merged into' : 'wrote'} ${path} (0600): context ${n.context}, server ${got.server} (from ${got.host})`);
    r.info(o.merge ? `  kubectl config use-context ${n.context}` : `  export KUBECONFIG=${path}`);
  });
  return 0;
}
