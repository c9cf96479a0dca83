// The SSH sessions of one operation: opened on first use (verified against kspray's pins), reused while kept, at
// most SSH_CONCURRENCY hosts at a time, failures named after their host, every session closed by `close()`.
import type { Cluster, NodeHost } from '../config/model.js';
import { isKsprayError } from '../errors.js';
import { KnownHosts } from './known-hosts.js';
import type { SessionOptions, SshSession, SshTarget } from './session.js';
import { eachHost, targetFor, type Settled } from './targets.js';

/** Hosts worked on at once, for every operation. */
export const SSH_CONCURRENCY = 20;

export interface PoolOptions {
  /** the host's SSH target (read when a session is opened: the cluster may have changed since the pool was made) */
  target: (h: NodeHost) => SshTarget;
  knownHostsFile: string;
  becomePassword?: string;
  timeoutMs?: number;
  /** how a session is opened (default: a verified ssh2 session, SshSession.open) */
  connect?: (t: SshTarget, o: SessionOptions) => Promise<SshSession>;
}

/**
 * An error from work on one host, its message starting with the host's name. kspray's own errors pass as they are:
 * those of the SSH layer name the host already, and their code decides the exit code.
 */
export function hostError(host: string, e: unknown): unknown {
  if (isKsprayError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.startsWith(`${host}:`) || msg.startsWith(`${host} (`)) return e;
  return new Error(`${host}: ${msg}`, { cause: e });
}

export class SshPool {
  private readonly open = new Map<string, Promise<SshSession>>();
  private knownHosts: Promise<KnownHosts> | undefined;

  constructor(private readonly o: PoolOptions) {}

  /** The host's session: the kept one, or a new one (kept until `release` or `close`). */
  session(h: NodeHost): Promise<SshSession> {
    let s = this.open.get(h.name);
    if (!s) {
      s = this.connect(h);
      this.open.set(h.name, s);
      // a failed open is not kept: the next use tries again
      s.catch(() => this.open.get(h.name) === s && this.open.delete(h.name));
    }
    return s;
  }

  /** A new session for the host, replacing the kept one (e.g. after it died). */
  async reopen(h: NodeHost): Promise<SshSession> {
    this.release(h.name);
    return this.session(h);
  }

  /** Close the host's session, if one is open. */
  release(name: string): void {
    const s = this.open.get(name);
    this.open.delete(name);
    s?.then((x) => x.close(), () => undefined);
  }

  /**
   * `fn` on each host's session, SSH_CONCURRENCY at a time, results in the hosts' order; a host that cannot be
   * reached or whose `fn` throws is a failure of that host. Sessions are closed afterwards unless `keep`.
   */
  async forEachHost<H extends NodeHost, T>(hosts: H[], fn: (s: SshSession, h: H) => Promise<T>, o: { keep?: boolean } = {}): Promise<Settled<T>[]> {
    const settled = await eachHost(hosts, SSH_CONCURRENCY, async (h) => {
      try {
        return await fn(await this.session(h), h);
      } finally {
        if (!o.keep) this.release(h.name);
      }
    });
    return settled.map((x) => (x.ok ? x : { ...x, error: hostError(x.host, x.error) }));
  }

  /** Close every session. */
  close(): void {
    for (const name of [...this.open.keys()]) this.release(name);
  }

  private async connect(h: NodeHost): Promise<SshSession> {
    const knownHosts = await (this.knownHosts ??= KnownHosts.load(this.o.knownHostsFile));
    const opts: SessionOptions = {
      knownHosts,
      ...(this.o.timeoutMs !== undefined ? { timeoutMs: this.o.timeoutMs } : {}),
      ...(this.o.becomePassword !== undefined ? { becomePassword: this.o.becomePassword } : {}),
    };
    if (this.o.connect) return this.o.connect(this.o.target(h), opts);
    // ssh2 is loaded with the first session, not with every command that might open one
    const { SshSession } = await import('./session.js');
    return SshSession.open(this.o.target(h), opts);
  }
}

export const openPool = (o: PoolOptions) => new SshPool(o);

/** A pool for a cluster's hosts (`cluster` as a function when the config may change while the pool is in use). */
export function clusterPool(cluster: Cluster | (() => Cluster), o: Omit<PoolOptions, 'target'> & { configDir: string }): SshPool {
  const { configDir, ...rest } = o;
  const current = typeof cluster === 'function' ? cluster : () => cluster;
  return openPool({ ...rest, target: (h) => targetFor(current(), h, configDir) });
}
