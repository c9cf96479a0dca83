// Last phase of deploy/add-node/upgrade: wait until the touched nodes are Ready, then report the health summary.
import { stringify } from 'yaml';
import { KsprayError, isKsprayError } from '../errors.js';
import { formatDuration } from '../playbooks/events.js';
import type { FlowContext, Phase } from './flow.js';
import { flowPool } from './ssh.js';

export interface WaitOptions {
  /** false with --no-wait */
  wait: boolean;
  timeoutMs: number;
  pollMs?: number;
}

export const DEFAULT_WAIT_MS = 5 * 60_000;

/** every configured Kubernetes node (control planes and workers) that is not pending */
export const clusterNodeNames = (fc: FlowContext) => fc.ws.cluster.hosts.filter((h) => !h.pending && (h.controlPlane || h.worker)).map((h) => h.name);

export const waitOptions = (o: { wait?: boolean; waitTimeout?: string }): WaitOptions => ({ wait: o.wait !== false, timeoutMs: parseWaitTimeout(o.waitTimeout) });

/** "5m", "90s", "300" (seconds) → ms */
export function parseWaitTimeout(v: string | undefined): number {
  if (v === undefined) return DEFAULT_WAIT_MS;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new KsprayError('BadArgument', `--wait-timeout ${v} is not a duration`, { hint: 'e.g. 5m, 90s, 600' });
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  return Number(m[1]) * mult;
}

/** A client of the cluster's API with the admin kubeconfig of a control plane (over SSH), kept in the state dir too. */
export async function adminClient(fc: FlowContext) {
  const { fetchAdminKubeconfig, stateKubeconfig, writeKubeconfig } = await import('../kube/kubeconfig.js');
  const { loadClient } = await import('../health/run.js');
  const got = await fetchAdminKubeconfig(fc.ws.cluster, flowPool(fc));
  await writeKubeconfig(stateKubeconfig(fc.ws.stateDir), got.doc, false);
  const yaml = stringify(got.doc);
  return { client: await loadClient({ yaml }), yaml, server: got.server };
}

export function waitReadyPhase(nodes: (fc: FlowContext) => string[], o: WaitOptions): Phase {
  return {
    title: 'Wait for nodes Ready and check health',
    when: () => o.wait,
    plan: (fc) => [`fetch ${'/etc/kubernetes/admin.conf'} over SSH, wait up to ${formatDuration(o.timeoutMs)} for ${nodes(fc).join(', ')} to be Ready, then run \`kspray health\``],
    run: async (fc) => {
      const { collectHealth, notReady } = await import('../health/run.js');
      const { ws, reporter: r } = fc;
      const ssh = { configDir: ws.configDir, knownHostsFile: ws.knownHostsFile, ...(fc.becomePassword !== undefined ? { becomePassword: fc.becomePassword } : {}) };
      const { client, yaml, server } = await adminClient(fc);
      const names = nodes(fc);
      const began = Date.now();
      const spin = r.spinner(`waiting for ${names.length} node(s) to be Ready (${server})`);
      let pending = names;
      let lastError = '';
      try {
        for (;;) {
          if (fc.interrupts?.signal.aborted) throw new KsprayError('Interrupted', 'interrupted while waiting for nodes');
          try {
            pending = await notReady(client, names);
            lastError = '';
          } catch (e) {
            if (!isKsprayError(e) || e.code !== 'KubeApi' || /forbidden|rejected the credentials/.test(e.message)) throw e;
            lastError = e.message; // the API server may still be starting: keep trying until the deadline
          }
          if (!pending.length) break;
          const waited = Date.now() - began;
          if (waited >= o.timeoutMs)
            throw new KsprayError('KubeApi', `nodes not Ready after ${formatDuration(o.timeoutMs)}: ${pending.join(', ')}`, {
              details: lastError ? [lastError] : [],
              hint: '`kspray health` shows why; raise --wait-timeout, or skip waiting with --no-wait',
            });
          spin.update(`${names.length - pending.length}/${names.length} node(s) Ready, waiting for ${pending.slice(0, 5).join(', ')}${pending.length > 5 ? '…' : ''} (${formatDuration(waited)})`);
          await new Promise((res) => setTimeout(res, o.pollMs ?? 2000));
        }
        spin.stop(`${names.length}/${names.length} node(s) Ready after ${formatDuration(Date.now() - began)}`);
      } catch (e) {
        spin.stop();
        throw e;
      } finally {
        client.close();
      }
      const report = await collectHealth({ cluster: ws.cluster, ...ssh, kubeconfig: { yaml } });
      r.event({ type: 'health', ...report });
      const { summaryLine } = await import('../health/report.js');
      for (const c of report.checks.filter((x) => x.status === 'warn' || x.status === 'fail'))
        (c.status === 'fail' ? r.error : r.warn)(`health: ${c.title}: ${c.evidence.join('; ')}`);
      (report.status === 'ok' ? r.success : r.info)(`health: ${summaryLine(report)} (details: kspray health)`);
    },
  };
}
