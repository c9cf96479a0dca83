// Preflight over SSH: every host reachable with its pinned key, sudo, and the facts kubespray will assert later.
import { KsprayError, isKsprayError } from '../errors.js';
import { judgeProbe, parseProbe, probeScript, type Finding } from '../preflight/probe.js';
import type { FlowContext } from './flow.js';
import { flowPool } from './ssh.js';

export interface HostReport {
  host: string;
  findings: Finding[];
  error?: KsprayError;
}

export async function probeHosts(fc: Pick<FlowContext, 'ws' | 'becomePassword' | 'onCleanup'>, names?: string[]): Promise<HostReport[]> {
  const hosts = fc.ws.cluster.hosts.filter((h) => !names || names.includes(h.name));
  const results = await flowPool(fc).forEachHost(hosts, async (s, h) => {
    const sudo = await s.exec(['true'], { sudo: true });
    const probe = await s.exec(['sh', '-c', probeScript]);
    const findings: Finding[] = [
      { check: 'ssh', ok: true, detail: 'reachable, host key matches the pin' },
      {
        check: 'sudo',
        ok: sudo.code === 0,
        detail: sudo.code === 0 ? 'works' : (sudo.stderr.trim().split('\n')[0] ?? `exit ${sudo.code}`),
        fix: fc.becomePassword === undefined ? 'allow passwordless sudo, or give the password (--ask-become-pass, KSPRAY_BECOME_PASSWORD or --become-password-file)' : 'check the sudo password',
      },
      ...judgeProbe(h, parseProbe(probe.stdout), Math.floor(Date.now() / 1000)),
    ];
    return findings;
  });
  return results.map((r) =>
    r.ok ? { host: r.host, findings: r.value } : { host: r.host, findings: [], error: isKsprayError(r.error) ? r.error : new KsprayError('HostsUnreachable', (r.error as Error).message, { cause: r.error }) },
  );
}

export async function runPreflight(fc: FlowContext, ignore: string[], names?: string[]): Promise<void> {
  const r = fc.reporter;
  const reports = await probeHosts(fc, names);
  const problems: string[] = [];
  let worst: KsprayError | undefined;
  for (const rep of reports) {
    if (rep.error) {
      r.host(rep.host, r.color.red(rep.error.message));
      problems.push(rep.error.message + (rep.error.hint ? ` — ${rep.error.hint}` : ''));
      // a host-key problem outranks everything: it may be an attack
      if (!worst || rep.error.code === 'HostKeyMismatch' || rep.error.code === 'HostKeyUnknown') worst = rep.error;
      continue;
    }
    const bad = rep.findings.filter((f) => !f.ok && !ignore.includes(f.check));
    const ignored = rep.findings.filter((f) => !f.ok && ignore.includes(f.check));
    r.host(rep.host, bad.length ? r.color.red(bad.map((f) => `${f.check}: ${f.detail}`).join('; ')) : r.color.green(`ok (${rep.findings.filter((f) => f.ok).map((f) => f.check).join(', ')})`));
    for (const f of ignored) r.host(rep.host, r.color.yellow(`ignored ${f.check}: ${f.detail}`));
    for (const f of bad) problems.push(`${rep.host}: ${f.check}: ${f.detail}${f.fix ? ` — ${f.fix}` : ''}`);
  }
  r.event({ type: 'preflight', hosts: reports.map((x) => ({ host: x.host, error: x.error?.message, findings: x.findings })) });
  if (worst) throw new KsprayError(worst.code, `preflight: ${worst.message}`, { details: problems, ...(worst.hint ? { hint: worst.hint } : {}) });
  if (problems.length)
    throw new KsprayError('PreflightFailed', `preflight found ${problems.length} problem(s); nothing was run`, {
      details: problems,
      hint: 'fix them, or skip a check you accept with --ignore-preflight CHECK',
    });
}
