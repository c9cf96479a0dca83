// The certificates check: every host's certificates (certs/, over the health pass's SSH pool) and the kubeconfig
// health itself uses; a warning below spec.security.certificates.warnDays, a failure when expired or not yet valid.
import type { Cluster } from '../config/model.js';
import { bySoonest, certStatus, inspectText, summary, type CertInfo } from '../certs/inspect.js';
import { mergeReads, readHostsCerts, readLocalCerts, type CertsRead } from '../certs/read.js';
import type { SshPool } from '../ssh/pool.js';
import { check, type Check } from './types.js';

const day = (iso: string) => iso.slice(0, 10);

function line(c: CertInfo, now: Date): string {
  const at = `${c.where === 'local' ? '' : `${c.where} `}${c.file}${c.entry ? ` (${c.entry})` : ''}`;
  if (new Date(c.notBefore) > now) return `${at}: not valid before ${c.notBefore}`;
  if (c.daysLeft < 0) return `${at}: expired ${day(c.notAfter)} (${-c.daysLeft} day(s) ago)`;
  return `${at}: expires ${day(c.notAfter)} (in ${c.daysLeft} day(s))`;
}

/** PURE: the check from what was read. */
export function evaluateCerts(read: CertsRead, warnDays: number, now = new Date()): Check {
  const sorted = [...read.certs].sort(bySoonest);
  const fails = sorted.filter((c) => certStatus(c, warnDays, now) === 'fail');
  const warns = sorted.filter((c) => certStatus(c, warnDays, now) === 'warn');
  const bad = [...fails, ...warns];
  const ev = bad.slice(0, 8).map((c) => line(c, now));
  if (bad.length > 8) ev.push(`and ${bad.length - 8} more`);
  for (const d of read.down.slice(0, 4)) ev.push(`${d.host}: certificates not read (${d.error})`);
  for (const p of read.problems.slice(0, 4)) ev.push(`${p.where === 'local' ? '' : `${p.where} `}${p.file}: ${p.problem}`);
  const hosts = new Set(sorted.map((c) => c.where)).size;
  if (!bad.length) ev.unshift(sorted.length ? `${sorted.length} certificate(s) on ${hosts} host(s), none within ${warnDays} days; ${summary(sorted)} (${day(sorted[0]!.notAfter)})` : 'no certificates found');
  const status = fails.length ? 'fail' : warns.length || read.down.length ? 'warn' : 'ok';
  const etcd = (c: CertInfo) => c.file.startsWith('/etc/ssl/etcd/');
  const fix = [
    ...(bad.some((c) => !etcd(c) && c.where !== 'local') ? ["`kspray certs renew` renews kubeadm's certificates, one control plane at a time"] : []),
    ...(bad.some((c) => c.where === 'local') ? ['`kspray kubeconfig` fetches a fresh kubeconfig'] : []),
    ...(bad.some(etcd) ? ["etcd certificates are kubespray's own: re-issue them with its playbook (cluster.yml --tags etcd-secrets)"] : []),
    ...(read.down.length ? ['check SSH to the hosts whose certificates were not read'] : []),
  ].join('; ');
  return check('certs.expiry', `Certificates valid beyond ${warnDays} days`, status, ev, fix);
}

export type KubeconfigText = { file: string } | { yaml: string };

/** Read every host's certificates (sessions kept in the pool: the health pass closes it) and the kubeconfig. */
export async function certChecks(c: Cluster, pool: SshPool, kubeconfig: KubeconfigText): Promise<Check[]> {
  const now = new Date();
  const hosts = c.hosts.filter((h) => !h.pending);
  const local = 'file' in kubeconfig ? await readLocalCerts([kubeconfig.file], { now, optional: true }) : { ...mergeReads(), ...inspectText(kubeconfig.yaml, 'local', 'kubeconfig', now) };
  const read = mergeReads(await readHostsCerts(pool, hosts, { now, keep: true }), local);
  return [evaluateCerts(read, c.config.spec.security.certificates.warnDays, now)];
}

