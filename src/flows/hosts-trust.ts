// kspray hosts trust as phases: connect once, show each host key's fingerprint, pin it in the cluster's known_hosts.
// With a jump host, the jump host is pinned first and the nodes are reached through it.
import { resolveFrom } from '../paths.js';
import { fetchHostKey } from '../ssh/fetch-key.js';
import { checkKey, fingerprint, KnownHosts, type HostKey } from '../ssh/known-hosts.js';
import { SshSession, type SshTarget } from '../ssh/session.js';
import { eachHost, targetFor, type Settled } from '../ssh/targets.js';
import type { Workspace } from '../workspace.js';
import { SSH_CONCURRENCY } from '../ssh/pool.js';
import type { Phase, TaskContext } from './flow.js';

export type TrustStatus = 'pinned' | 'newly-pinned' | 'mismatch' | 'declined' | 'unreachable';
export interface TrustRow {
  host: string;
  status: TrustStatus;
  fingerprint?: string;
  pinned?: string[];
}
interface Entry {
  name: string;
  target: SshTarget;
}

export interface TrustContext extends TaskContext {
  ws: Workspace;
  kh: KnownHosts;
  /** only these hosts (all when empty) */
  names: string[];
  yes: boolean;
  replace: boolean;
  /** asks the operator; false when nobody can answer */
  confirm(question: string): Promise<boolean>;
  rows: TrustRow[];
}

export const trustContext = (base: TaskContext, ws: Workspace, kh: KnownHosts, o: Pick<TrustContext, 'names' | 'yes' | 'replace' | 'confirm'>): TrustContext => ({ ...base, ws, kh, ...o, rows: [] });

/** Pin or refuse one host's offered key; prompts one at a time, so they do not interleave. */
async function decide(c: TrustContext, e: Entry, res: Settled<HostKey>): Promise<void> {
  const r = c.reporter;
  const t = e.target;
  if (!res.ok) {
    r.host(e.name, r.color.red(`unreachable: ${(res.error as Error).message}`));
    c.rows.push({ host: e.name, status: 'unreachable' });
    return;
  }
  const fp = fingerprint(res.value);
  const check = checkKey(c.kh, t.address, t.port, res.value);
  if (check.status === 'match') {
    r.host(e.name, `${res.value.type} ${fp} already pinned`);
    c.rows.push({ host: e.name, status: 'pinned', fingerprint: fp });
    return;
  }
  const pinnedFps = check.status === 'mismatch' ? check.pinned.map(fingerprint) : [];
  if (check.status === 'mismatch' && !c.replace) {
    r.host(e.name, r.color.red(`CHANGED: offers ${fp}, pinned ${pinnedFps.join(', ')}`));
    c.rows.push({ host: e.name, status: 'mismatch', fingerprint: fp, pinned: pinnedFps });
    return;
  }
  const what = check.status === 'mismatch' ? `replace ${pinnedFps.join(', ')} with ${fp}` : `pin ${res.value.type} ${fp}`;
  if (c.yes || (await c.confirm(`${e.name} (${t.address}:${t.port}): ${what}? [y/N] `))) {
    c.kh.pin(t.address, t.port, res.value);
    r.host(e.name, r.color.green(`${res.value.type} ${fp} pinned`));
    c.rows.push({ host: e.name, status: 'newly-pinned', fingerprint: fp });
  } else {
    r.host(e.name, r.color.yellow(`${fp} not pinned`));
    c.rows.push({ host: e.name, status: 'declined', fingerprint: fp });
  }
}

async function round(c: TrustContext, entries: Entry[], via?: SshSession): Promise<void> {
  const keys = await eachHost(entries, SSH_CONCURRENCY, (e) => fetchHostKey(e.target, 10_000, via));
  for (const [i, res] of keys.entries()) await decide(c, entries[i]!, res);
  await c.kh.save();
}

function bastionTarget(ws: Workspace): SshTarget | undefined {
  const spec = ws.cluster.config.spec.ssh;
  const b = spec.bastion;
  if (!b) return undefined;
  const user = b.user ?? spec.user;
  return { name: 'bastion', address: b.address, port: b.port, ...(user ? { user } : {}), ...(spec.keyFile ? { keyFile: resolveFrom(ws.configDir, spec.keyFile) } : {}) };
}

/** The one session this flow opens itself: to the (just pinned) jump host, closed when the flow ends. */
async function openJump(c: TrustContext, target: SshTarget): Promise<SshSession> {
  const jump = await SshSession.open(target, { knownHosts: c.kh });
  c.onCleanup(() => jump.close());
  return jump;
}

export function trustPhases(): Phase<TrustContext>[] {
  const nodes = (c: TrustContext): Entry[] =>
    c.ws.cluster.hosts.filter((h) => !c.names.length || c.names.includes(h.name)).map((h) => ({ name: h.name, target: targetFor(c.ws.cluster, h, c.ws.configDir) }));
  return [
    {
      title: 'Pin the jump host key',
      when: (c) => bastionTarget(c.ws) !== undefined,
      run: (c) => round(c, [{ name: 'bastion', target: bastionTarget(c.ws)! }]),
    },
    {
      title: 'Pin the host keys',
      async run(c) {
        const target = bastionTarget(c.ws);
        if (!target) return round(c, nodes(c));
        const jumpOk = c.rows[0]?.status === 'pinned' || c.rows[0]?.status === 'newly-pinned';
        if (!jumpOk) {
          for (const n of nodes(c)) c.rows.push({ host: n.name, status: 'unreachable' });
          return;
        }
        await round(c, nodes(c), await openJump(c, target));
      },
    },
  ];
}
