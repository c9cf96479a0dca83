// kspray hosts trust: connect once, show each host key's fingerprint, pin it in the cluster's known_hosts.
// With a jump host, the jump host is pinned first and the nodes are reached through it.
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { resolveFrom } from '../paths.js';
import { checkKey, fingerprint, KnownHosts, type HostKey } from '../ssh/known-hosts.js';
import { fetchHostKey } from '../ssh/fetch-key.js';
import { SshSession, type SshTarget } from '../ssh/session.js';
import { SSH_CONCURRENCY } from '../ssh/pool.js';
import { eachHost, targetFor, type Settled } from '../ssh/targets.js';
import { openWorkspace } from '../workspace.js';

type Status = 'pinned' | 'newly-pinned' | 'mismatch' | 'declined' | 'unreachable';
interface Entry {
  name: string;
  target: SshTarget;
}

export async function trust(ctx: CommandContext, names: string[], o: { yes?: boolean; replace?: boolean }): Promise<number> {
  const ws = await openWorkspace(ctx, { forHosts: true });
  const r = ctx.reporter;
  const unknown = names.filter((n) => !ws.cluster.hosts.some((h) => h.name === n));
  if (unknown.length) throw new KsprayError('BadArgument', `not hosts of ${ws.cluster.name}: ${unknown.join(', ')}`);
  const kh = await KnownHosts.load(ws.knownHostsFile);
  const rows: { host: string; status: Status; fingerprint?: string; pinned?: string[] }[] = [];

  async function decide(e: Entry, res: Settled<HostKey>): Promise<void> {
    const t = e.target;
    if (!res.ok) {
      r.host(e.name, r.color.red(`unreachable: ${(res.error as Error).message}`));
      rows.push({ host: e.name, status: 'unreachable' });
      return;
    }
    const fp = fingerprint(res.value);
    const check = checkKey(kh, t.address, t.port, res.value);
    if (check.status === 'match') {
      r.host(e.name, `${res.value.type} ${fp} already pinned`);
      rows.push({ host: e.name, status: 'pinned', fingerprint: fp });
      return;
    }
    const pinnedFps = check.status === 'mismatch' ? check.pinned.map(fingerprint) : [];
    if (check.status === 'mismatch' && !o.replace) {
      r.host(e.name, r.color.red(`CHANGED: offers ${fp}, pinned ${pinnedFps.join(', ')}`));
      rows.push({ host: e.name, status: 'mismatch', fingerprint: fp, pinned: pinnedFps });
      return;
    }
    const what = check.status === 'mismatch' ? `replace ${pinnedFps.join(', ')} with ${fp}` : `pin ${res.value.type} ${fp}`;
    if (o.yes || (r.interactive && (await r.confirm(`${e.name} (${t.address}:${t.port}): ${what}? [y/N] `)))) {
      kh.pin(t.address, t.port, res.value);
      r.host(e.name, r.color.green(`${res.value.type} ${fp} pinned`));
      rows.push({ host: e.name, status: 'newly-pinned', fingerprint: fp });
    } else {
      r.host(e.name, r.color.yellow(`${fp} not pinned`));
      rows.push({ host: e.name, status: 'declined', fingerprint: fp });
    }
  }

  async function round(entries: Entry[], via?: SshSession): Promise<void> {
    const keys = await eachHost(entries, SSH_CONCURRENCY, (e) => fetchHostKey(e.target, 10_000, via));
    // sequential, so prompts do not interleave
    for (const [i, res] of keys.entries()) await decide(entries[i]!, res);
    await kh.save();
  }

  const nodes: Entry[] = ws.cluster.hosts.filter((h) => !names.length || names.includes(h.name)).map((h) => ({ name: h.name, target: targetFor(ws.cluster, h, ws.configDir) }));
  const b = ws.cluster.config.spec.ssh.bastion;
  if (b) {
    const user = b.user ?? ws.cluster.config.spec.ssh.user;
    const keyFile = ws.cluster.config.spec.ssh.keyFile;
    const target: SshTarget = { name: 'bastion', address: b.address, port: b.port, ...(user ? { user } : {}), ...(keyFile ? { keyFile: resolveFrom(ws.configDir, keyFile) } : {}) };
    await round([{ name: 'bastion', target }]);
    if (rows[0]?.status === 'pinned' || rows[0]?.status === 'newly-pinned') {
      const jump = await SshSession.open(target, { knownHosts: kh });
      try {
        await round(nodes, jump);
      } finally {
        jump.close();
      }
    } else for (const n of nodes) rows.push({ host: n.name, status: 'unreachable' });
  } else await round(nodes);

  const bad = rows.filter((x) => x.status !== 'pinned' && x.status !== 'newly-pinned');
  r.result({ knownHosts: ws.knownHostsFile, hosts: rows }, () => r.info(`${ws.knownHostsFile}: ${rows.length - bad.length} pinned, ${bad.length} not`));
  if (bad.length)
    throw new KsprayError(bad.some((x) => x.status === 'unreachable') ? 'HostsUnreachable' : 'HostKeyMismatch', `${bad.length} host(s) not trusted: ${bad.map((x) => `${x.host} (${x.status})`).join(', ')}`, {
      ...(o.replace ? {} : { hint: 'if a host was reinstalled, check its new key on its console and re-run with --replace' }),
    });
  return 0;
}
