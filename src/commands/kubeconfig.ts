// kspray kubeconfig: admin.conf from a control plane, renamed after the cluster, written 0600 or merged (flows/kubeconfig.ts).
import { resolve } from 'node:path';
import { becomePassword, type BecomeOptions } from '../become.js';
import type { CommandContext } from '../context.js';
import { runTask } from '../flows/flow.js';
import { kubeconfigPhases, type KubeconfigContext } from '../flows/kubeconfig.js';
import { openWorkspace } from '../workspace.js';

export interface KubeconfigOptions extends BecomeOptions {
  merge?: boolean;
  out?: string;
}

export async function kubeconfig(ctx: CommandContext, o: KubeconfigOptions): Promise<number> {
  const ws = await openWorkspace(ctx, { forHosts: true });
  const k = await import('../kube/kubeconfig.js');
  const pw = await becomePassword(o, ctx.env, ctx.reporter);
  const path = o.out ? resolve(ctx.cwd, o.out) : o.merge ? k.mergeTarget(ctx.env) : k.stateKubeconfig(ws.stateDir);
  const done = await runTask((base): KubeconfigContext => ({ ...base, ws, path, merge: Boolean(o.merge), ...(pw !== undefined ? { becomePassword: pw } : {}) }), kubeconfigPhases(), 'kubeconfig', ctx.reporter);
  const got = done.got!;
  const n = k.names(ws.cluster.name);
  const r = ctx.reporter;
  r.result({ path, context: n.context, server: got.server, from: got.host, merged: Boolean(o.merge) }, () => {
    r.success(`${o.merge ? 'merged into' : 'wrote'} ${path} (0600): context ${n.context}, server ${got.server} (from ${got.host})`);
    r.info(o.merge ? `  kubectl config use-context ${n.context}` : `  export KUBECONFIG=${path}`);
  });
  return 0;
}
