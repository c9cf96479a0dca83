// From config hosts to SSH targets, and a bounded parallel map with per-host errors.
import type { Cluster, NodeHost } from '../config/model.js';
import { resolveFrom } from '../paths.js';
import type { SshTarget } from './session.js';

export function targetFor(cluster: Cluster, h: NodeHost, configDir: string): SshTarget {
  const b = cluster.config.spec.ssh.bastion;
  return {
    name: h.name,
    address: h.address,
    port: h.port,
    ...(h.user ? { user: h.user } : {}),
    ...(h.keyFile ? { keyFile: resolveFrom(configDir, h.keyFile) } : {}),
    ...(b ? { bastion: { address: b.address, port: b.port, ...(b.user ?? h.user ? { user: b.user ?? h.user } : {}) } } : {}),
  };
}

export type Settled<T> = { host: string; ok: true; value: T } | { host: string; ok: false; error: unknown };

export async function eachHost<H extends { name: string }, T>(hosts: H[], limit: number, fn: (h: H) => Promise<T>): Promise<Settled<T>[]> {
  const out: Settled<T>[] = new Array(hosts.length);
  let next = 0;
  const worker = async () => {
    while (next < hosts.length) {
      const i = next++;
      const h = hosts[i]!;
      try {
        out[i] = { host: h.name, ok: true, value: await fn(h) };
      } catch (error) {
        out[i] = { host: h.name, ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, hosts.length) }, worker));
  return out;
}
