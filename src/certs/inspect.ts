// PURE: certificates found in a file's text (PEM bundles, or a kubeconfig's embedded data), read with Node's own
// X.509 parser, with what an operator needs: who, issued by whom, for which names, and how long until it expires.
import { X509Certificate } from 'node:crypto';
import { parse } from 'yaml';

export interface CertInfo {
  /** where it was read: a host, or "local" */
  where: string;
  file: string;
  /** for kubeconfigs and bundles: which entry (user name, cluster name, position) */
  entry?: string;
  subject: string;
  issuer: string;
  sans?: string[];
  ca: boolean;
  notBefore: string;
  notAfter: string;
  /** whole days from `now` until notAfter (negative once expired) */
  daysLeft: number;
  serial: string;
}

export interface FileProblem {
  where: string;
  file: string;
  problem: string;
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const DAY = 86_400_000;

/** X.509 names as one line: "CN=kube-apiserver, O=kubeadm". */
const oneLine = (name: string) =>
  name
    .split('\n')
    .filter(Boolean)
    .join(', ');

function info(pem: string, where: string, file: string, now: Date, entry?: string): CertInfo {
  const x = new X509Certificate(pem);
  const notAfter = new Date(x.validTo);
  const sans = x.subjectAltName?.split(', ').filter(Boolean);
  return {
    where,
    file,
    ...(entry !== undefined ? { entry } : {}),
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    ...(sans?.length ? { sans } : {}),
    ca: x.ca,
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY),
    serial: x.serialNumber,
  };
}

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);

/** The base64 certificate fields a kubeconfig embeds, as [entry, PEM]. */
function kubeconfigCerts(doc: Obj): [string, string][] {
  const out: [string, string][] = [];
  const decode = (b64: unknown) => (typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : '');
  for (const u of list(doc.users)) for (const pem of decode((u.user as Obj | undefined)?.['client-certificate-data']).match(PEM) ?? []) out.push([`user ${String(u.name)}`, pem]);
  for (const c of list(doc.clusters)) for (const pem of decode((c.cluster as Obj | undefined)?.['certificate-authority-data']).match(PEM) ?? []) out.push([`cluster ${String(c.name)} CA`, pem]);
  return out;
}

/** Every certificate in a file's text; a file with none, or one that cannot be parsed, is a problem, never a throw. */
export function inspectText(text: string, where: string, file: string, now = new Date()): { certs: CertInfo[]; problems: FileProblem[] } {
  const found: [string | undefined, string][] = [];
  const pems = text.match(PEM) ?? [];
  if (pems.length) pems.forEach((p, i) => found.push([pems.length > 1 ? `#${i + 1}` : undefined, p]));
  else if (/^\s*kind:\s*Config\b/m.test(text) || /^\s*(users|clusters):/m.test(text)) {
    try {
      const doc = parse(text) as unknown;
      if (doc && typeof doc === 'object') found.push(...kubeconfigCerts(doc as Obj));
    } catch {
      return { certs: [], problems: [{ where, file, problem: 'not a certificate, and not a kubeconfig YAML can read' }] };
    }
  }
  if (!found.length) return { certs: [], problems: [{ where, file, problem: 'no certificate in it (neither PEM nor an embedded kubeconfig certificate)' }] };
  const certs: CertInfo[] = [];
  const problems: FileProblem[] = [];
  for (const [entry, pem] of found) {
    try {
      certs.push(info(pem, where, file, now, entry));
    } catch (e) {
      problems.push({ where, file, problem: `${entry ? `${entry}: ` : ''}not a valid certificate (${(e as Error).message})` });
    }
  }
  return { certs, problems };
}

export type CertStatus = 'ok' | 'warn' | 'fail';

export function certStatus(c: CertInfo, warnDays: number, now = new Date()): CertStatus {
  if (c.daysLeft < 0 || new Date(c.notBefore) > now) return 'fail';
  return c.daysLeft < warnDays ? 'warn' : 'ok';
}

/** Soonest expiry first. */
export const bySoonest = (a: CertInfo, b: CertInfo) => a.notAfter.localeCompare(b.notAfter) || a.where.localeCompare(b.where) || a.file.localeCompare(b.file);

export function certName(c: CertInfo): string {
  const cn = /CN=([^,]+)/.exec(c.subject)?.[1];
  const base = c.file.split('/').pop()!.replace(/\.(crt|pem|conf)$/, '');
  return c.entry ? `${base} (${c.entry})` : cn && !base.includes(cn) ? `${base} (${cn})` : base;
}

export function summary(certs: CertInfo[]): string {
  const first = [...certs].sort(bySoonest)[0];
  if (!first) return 'no certificates found';
  const when = first.daysLeft < 0 ? `expired ${-first.daysLeft} day${first.daysLeft === -1 ? '' : 's'} ago` : `in ${first.daysLeft} day${first.daysLeft === 1 ? '' : 's'}`;
  return `first expiry: ${certName(first)} on ${first.where} ${when}`;
}
