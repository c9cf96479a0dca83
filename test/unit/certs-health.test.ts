// The health certificates check (pure evaluator), spec.security.certificates.warnDays, and validate's warning on
// kubespray's renew-everything timer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectText } from '../../src/certs/inspect.js';
import { emptyRead } from '../../src/certs/read.js';
import { validateText } from '../../src/config-text.js';
import { evaluateCerts } from '../../src/health/certs.js';
import { edit, exampleText, repoPath, validCluster, withRelease } from './helpers.js';

const pem = readFileSync(repoPath('test', 'fixtures', 'certs', 'apiserver.crt'), 'utf8');
const at = (iso: string, days: number) => new Date(new Date(iso).getTime() + days * 86_400_000);
const api = inspectText(pem, 'km02', '/etc/kubernetes/pki/apiserver.crt').certs[0]!;
const readAt = (now: Date) => ({ ...emptyRead(), certs: inspectText(pem, 'km02', '/etc/kubernetes/pki/apiserver.crt', now).certs });

describe('health: certificates', () => {
  it('is ok beyond the threshold, naming the first expiry', () => {
    const now = at(api.notAfter, -100);
    const c = evaluateCerts(readAt(now), 30, now);
    expect(c).toMatchObject({ id: 'certs.expiry', status: 'ok' });
    expect(c.evidence[0]).toBe(`1 certificate(s) on 1 host(s), none within 30 days; first expiry: apiserver (kube-apiserver) on km02 in 100 days (${api.notAfter.slice(0, 10)})`);
  });

  it('warns within the threshold and fails once expired; the evidence names host, file and date', () => {
    let now = at(api.notAfter, -5);
    let c = evaluateCerts(readAt(now), 30, now);
    expect(c.status).toBe('warn');
    expect(c.evidence).toEqual([`km02 /etc/kubernetes/pki/apiserver.crt: expires ${api.notAfter.slice(0, 10)} (in 5 day(s))`]);
    expect(c.fix).toMatch(/kspray certs renew/);
    now = at(api.notAfter, 2);
    c = evaluateCerts(readAt(now), 30, now);
    expect(c.status).toBe('fail');
    expect(c.evidence).toEqual([`km02 /etc/kubernetes/pki/apiserver.crt: expired ${api.notAfter.slice(0, 10)} (2 day(s) ago)`]);
  });

  it('fails a certificate that is not yet valid; a host whose certificates were not read is a warning', () => {
    const before = at(api.notBefore, -1);
    expect(evaluateCerts(readAt(before), 30, before)).toMatchObject({ status: 'fail', evidence: [`km02 /etc/kubernetes/pki/apiserver.crt: not valid before ${api.notBefore}`] });
    const now = at(api.notAfter, -100);
    const c = evaluateCerts({ ...readAt(now), down: [{ host: 'kube02', error: 'kube02 (10.0.0.2:22): unreachable: timed out', unreachable: true }] }, 30, now);
    expect(c.status).toBe('warn');
    expect(c.evidence[1]).toBe('kube02: certificates not read (kube02 (10.0.0.2:22): unreachable: timed out)');
  });
});

describe('config: certificates', () => {
  it('spec.security.certificates.warnDays defaults to 30 and must be a whole number ≥ 1', () => {
    expect(validCluster(exampleText('homelab')).config.spec.security.certificates.warnDays).toBe(30);
    expect(validCluster(edit(exampleText('homelab'), { 'spec.security.certificates.warnDays': 60 })).config.spec.security.certificates.warnDays).toBe(60);
    const bad = validateText(edit(exampleText('homelab'), { 'spec.security.certificates.warnDays': 0 }));
    expect(bad.errors.map((p) => p.path)).toEqual(['spec.security.certificates.warnDays']);
  });

  it('validate warns when the renewal timer is on with a kubespray tag that renews everything (up to v2.31.0)', () => {
    const on = (text: string) => edit(text, { 'spec.security.autoRenewCertificates.enabled': true });
    const warned = (text: string) => validateText(text).warnings.filter((w) => w.rule === 'kubespray/auto-renew-everything').map((w) => w.path);
    expect(warned(on(withRelease(exampleText('homelab'), 'v2.31.0', 'v1.35.4')))).toEqual(['spec.security.autoRenewCertificates.enabled']);
    expect(warned(on(withRelease(exampleText('homelab'), 'v2.25.0', 'v1.29.5')))).toHaveLength(1);
    expect(warned(on(withRelease(exampleText('homelab'), 'v2.32.0', 'v1.36.4')))).toEqual([]);
    expect(warned(withRelease(exampleText('homelab'), 'v2.31.0', 'v1.35.4'))).toEqual([]);
  });
});
