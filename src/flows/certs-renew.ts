// kspray certs renew as phases, under the lock with a run record: every control plane reachable and with kubeadm
// before any is touched; then one at a time: `kubeadm certs renew all` and the static pods restarted, and the next
// only once that node's API server is ready again; then the operator's kubeconfig fetched anew (the kubeconfig
// flow's phases) and the certificates read again. A stop (Ctrl-C, a failure) falls between two nodes: each node is
// renewed or untouched. etcd's certificates are reported and left to kubespray.
import { bySoonest, certName, type CertInfo } from '../certs/inspect.js';
import { readHostsCerts } from '../certs/read.js';
import { ETCD_REASON, readyzProbe, renewedByKubeadm, renewScript, restartedPods } from '../certs/renew.js';
import type { NodeHost } from '../config/model.js';
import { KsprayError } from '../errors.js';
import type { SshSession } from '../ssh/session.js';
import type { FlowContext, Phase } from './flow.js';
import { kubeconfigPhases, type KubeconfigContext } from './kubeconfig.js';
import { flowPool } from './ssh.js';

export interface RenewedCert {
  host: string;
  name: string;
  file: string;
  before: string;
  after?: string;
}

export interface RenewResult {
  nodes: { host: string; restarted: string[]; readyMs: number }[];
  renewed: RenewedCert[];
  etcd: { host: string; name: string; file: string; notAfter: string }[];
  etcdReason: string;
  kubeconfig?: string;
}

const READY_TIMEOUT_MS = 300_000;

export function renewPhases(o: { readyTimeoutMs?: number } = {}, done: (fc: FlowContext, r: RenewResult) => void = () => undefined): Phase[] {
  const state = new WeakMap<FlowContext, { cps: NodeHost[]; before: CertInfo[]; res: RenewResult }>();
  const of = (fc: FlowContext) => state.get(fc)!;
  const kc = new WeakMap<FlowContext, KubeconfigContext>();
  const kcOf = async (fc: FlowContext): Promise<KubeconfigContext> => {
    const { stateKubeconfig } = await import('../kube/kubeconfig.js');
    if (!kc.has(fc)) kc.set(fc, { ...fc, path: stateKubeconfig(fc.ws.stateDir), merge: false });
    return kc.get(fc)!;
  };
  const port = (fc: FlowContext) => fc.ws.cluster.config.spec.apiServer.port;
  return [
    {
      title: 'Check the control planes',
      plan: (fc) => [`every control plane reachable over SSH with kubeadm on it and its API server ready (${fc.ws.cluster.controlPlanes.map((h) => h.name).join(', ')}); read their certificates`],
      async run(fc) {
        const cps = fc.ws.cluster.controlPlanes.filter((h) => !h.pending);
        if (!cps.length) throw new KsprayError('ConfigInvalid', 'the config has no control-plane host: there are no kubeadm certificates to renew');
        const read = await readHostsCerts(flowPool(fc), cps, { keep: true });
        if (read.down.length)
          throw new KsprayError(read.down.some((d) => d.unreachable) ? 'HostsUnreachable' : 'HostsFailed', 'not renewing: every control plane must be reachable first (none was touched)', { details: read.down.map((d) => d.error) });
        const missing = (await flowPool(fc).forEachHost(cps, async (s, h) => ((await s.exec(['sh', '-c', 'command -v kubeadm && command -v crictl'])).code === 0 ? undefined : h.name), { keep: true })).flatMap((x) => (x.ok ? (x.value ? [x.value] : []) : [x.host]));
        if (missing.length) throw new KsprayError('PreflightFailed', `not renewing: kubeadm or crictl missing on ${missing.join(', ')} (none was touched)`, { hint: 'renewal runs kubeadm certs renew all and crictl on each control plane, as kubespray deploys them' });
        // each API server is restarted in turn, so each must be serving before the first is touched
        const notReady = (await flowPool(fc).forEachHost(cps, async (s, h) => {
          const r = await readyz(s, h, port(fc));
          return r.ok ? undefined : { host: h.name, detail: `${h.name}: /readyz answered ${r.last || `nothing (exit ${r.code})`}` };
        }, { keep: true })).flatMap((x) => (x.ok ? (x.value ? [x.value] : []) : [{ host: x.host, detail: x.error instanceof Error ? x.error.message : `${x.host}: ${String(x.error)}` }]));
        if (notReady.length)
          throw new KsprayError('PreflightFailed', `not renewing: the API server is not ready on ${notReady.map((n) => n.host).join(', ')} (none was touched)`, { details: notReady.map((n) => n.detail), hint: 'renewal restarts every API server in turn, so each must serve first: kspray health shows why it does not, fix that, then run kspray certs renew again' });
        const etcd = read.certs.filter((c) => c.file.startsWith('/etc/ssl/etcd/')).sort(bySoonest);
        state.set(fc, {
          cps,
          before: read.certs.filter(renewedByKubeadm),
          res: { nodes: [], renewed: [], etcd: etcd.map((c) => ({ host: c.where, name: certName(c), file: c.file, notAfter: c.notAfter })), etcdReason: ETCD_REASON },
        });
        fc.reporter.info(`${read.certs.filter(renewedByKubeadm).length} kubeadm certificate(s) on ${cps.length} control plane(s) to renew; etcd's left alone: ${ETCD_REASON}`);
      },
    },
    {
      title: 'Renew kubeadm certificates, one control plane at a time',
      plan: (fc) =>
        fc.ws.cluster.controlPlanes.filter((h) => !h.pending).flatMap((h) => [`${h.name}: ${renewScript().split('\n').slice(2).filter((l) => !l.startsWith('echo')).join(' && ')}`, `${h.name}: wait until https://${h.ip}:${port(fc)}/readyz answers ok (at most ${(o.readyTimeoutMs ?? READY_TIMEOUT_MS) / 1000}s), then the next`]),
      async run(fc) {
        const st = of(fc);
        for (const h of st.cps) {
          if (fc.interrupts?.signal.aborted) throw new KsprayError('Interrupted', `renewal stopped before ${h.name} (${st.res.nodes.map((n) => n.host).join(', ') || 'no node'} renewed)`);
          const s = await flowPool(fc).session(h);
          fc.reporter.host(h.name, 'kubeadm certs renew all');
          const r = await s.exec(['sh', '-c', renewScript()], { sudo: true });
          if (r.code !== 0) throw new KsprayError('HostsFailed', `${h.name}: kubeadm certs renew all failed (exit ${r.code})`, { details: r.stderr.trim().split('\n').slice(-5), hint: `the nodes before ${h.name} are renewed; fix the cause and run kspray certs renew again` });
          const restarted = restartedPods(r.stdout);
          fc.reporter.host(h.name, `restarted ${restarted.join(', ') || 'no control-plane pod'}; waiting for its API server`);
          const t0 = Date.now();
          await waitReady(fc, h, port(fc), o.readyTimeoutMs ?? READY_TIMEOUT_MS);
          st.res.nodes.push({ host: h.name, restarted, readyMs: Date.now() - t0 });
          fc.reporter.host(h.name, 'API server ready');
          if (fc.record) Object.assign(fc.record.result, { renewed: st.res.nodes.map((n) => n.host) });
        }
      },
    },
    ...kubeconfigPhases().map((p): Phase => ({ title: p.title.replace('admin.conf', 'the renewed admin.conf'), plan: () => [p.title], run: async (fc) => p.run(await kcOf(fc)) })),
    {
      title: 'Read the certificates again',
      plan: () => ["read every control plane's kubeadm certificates again: each must have been re-issued"],
      async run(fc) {
        const st = of(fc);
        const after = (await readHostsCerts(flowPool(fc), st.cps, { keep: true })).certs.filter(renewedByKubeadm);
        const key = (c: CertInfo) => `${c.where} ${c.file} ${c.entry ?? ''}`;
        const now = new Map(after.map((c) => [key(c), c]));
        const pairs = st.before.map((c) => ({ c, a: now.get(key(c)) }));
        st.res.renewed = pairs.map(({ c, a }) => ({ host: c.where, name: certName(c), file: c.file, before: c.notAfter, ...(a ? { after: a.notAfter } : {}) }));
        st.res.kubeconfig = (await kcOf(fc)).path;
        // re-issued means a new serial (the end date alone may not move, within a second, or for a long-lived one)
        const stale = pairs.filter(({ c, a }) => !a || a.serial === c.serial).map(({ c, a }) => ({ host: c.where, file: c.file, ends: (a ?? c).notAfter }));
        if (stale.length) throw new KsprayError('HostsFailed', `${stale.length} certificate(s) were not renewed`, { details: stale.slice(0, 8).map((c) => `${c.host} ${c.file}: not re-issued (ends ${c.ends})`) });
        done(fc, st.res);
      },
    },
  ];
}

/** One /readyz probe on the node: ok, or the last line it answered. */
async function readyz(s: SshSession, h: NodeHost, port: number): Promise<{ ok: boolean; last: string; code: number | null }> {
  const r = await s.exec(readyzProbe(h.ip, port), { sudo: true });
  return { ok: r.code === 0 && r.stdout.trim() === 'ok', last: (r.stdout + r.stderr).trim().split('\n').at(-1) ?? '', code: r.code };
}

/** Poll the node's /readyz over its session until "ok" (a fresh probe each second), or fail naming the node. */
async function waitReady(fc: FlowContext, h: NodeHost, port: number, timeoutMs: number): Promise<void> {
  const s = await flowPool(fc).session(h);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { ok, last } = await readyz(s, h, port);
    if (ok) return;
    if (Date.now() > deadline) throw new KsprayError('HostsFailed', `${h.name}: the API server was not ready ${timeoutMs / 1000}s after the restart (last /readyz: ${last || 'no answer'})`, { hint: `check kube-apiserver on ${h.name} (crictl ps, its logs); the nodes after it were not touched` });
    if (fc.interrupts?.signal.aborted) throw new KsprayError('Interrupted', `${h.name}: renewed and restarted, interrupted while waiting for its API server`);
    await new Promise((res) => setTimeout(res, 1000));
  }
}
