// Certificate inspection from file text: PEM, kubeconfig-embedded, and files that are neither.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bySoonest, certStatus, inspectText, summary } from '../../src/certs/inspect.js';
import { repoPath } from './helpers.js';

const read = (f: string) => readFileSync(repoPath('test', 'fixtures', 'certs', f), 'utf8');
const api = inspectText(read('apiserver.crt'), 'km01', '/etc/kubernetes/pki/apiserver.crt').certs[0]!;
const at = (iso: string, days: number) => new Date(new Date(iso).getTime() + days * 86_400_000);

describe('certificate inspection', () => {
  it('reads subject, issuer, SANs and dates of a PEM certificate', () => {
    expect(api).toMatchObject({ where: 'km01', subject: 'CN=kube-apiserver', issuer: 'CN=kubernetes', ca: false, sans: ['DNS:kubernetes', 'DNS:kubernetes.default', 'IP Address:10.233.0.1'] });
    const now = at(api.notAfter, -5);
    expect(inspectText(read('apiserver.crt'), 'km01', 'apiserver.crt', now).certs[0]!.daysLeft).toBe(5);
  });

  it('reads the certificates a kubeconfig embeds, by user and cluster', () => {
    const { certs, problems } = inspectText(read('admin.conf'), 'local', 'admin.conf');
    expect(problems).toEqual([]);
    expect(certs.map((c) => [c.entry, c.subject, c.ca])).toEqual([
      ['user kubernetes-admin', 'O=system:masters, CN=kubernetes-admin', false],
      ['cluster cluster.local CA', 'CN=kubernetes', true],
    ]);
  });

  it('names a file that holds no certificate instead of failing', () => {
    expect(inspectText(read('notes.txt'), 'km02', 'notes.txt')).toEqual({ certs: [], problems: [{ where: 'km02', file: 'notes.txt', problem: 'no certificate in it (neither PEM nor an embedded kubeconfig certificate)' }] });
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(inspectText(broken, 'km02', 'x.crt').problems[0]!.problem).toMatch(/^not a valid certificate/);
  });

  it('warns below the threshold, fails when expired or not yet valid, and sums up the soonest', () => {
    expect(certStatus(api, 30, at(api.notAfter, -40))).toBe('ok');
    expect(certStatus({ ...api, daysLeft: 5 }, 30, at(api.notAfter, -5))).toBe('warn');
    expect(certStatus({ ...api, daysLeft: -1 }, 30, at(api.notAfter, 1))).toBe('fail');
    expect(certStatus(api, 30, at(api.notBefore, -1))).toBe('fail');
    const admin = inspectText(read('admin.conf'), 'local', 'admin.conf').certs;
    const all = [api, ...admin].sort(bySoonest);
    expect(all[0]!.entry).toBe('user kubernetes-admin');
    expect(summary(all)).toMatch(/^first expiry: admin \(user kubernetes-admin\) on local in (29|30) days$/);
  });
});
