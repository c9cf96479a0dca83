// The flow's SSH sessions: one pool per flow, made on first use, closed with the flow's cleanups.
import { clusterPool, type SshPool } from '../ssh/pool.js';
import type { FlowContext } from './flow.js';

const pools = new WeakMap<Pick<FlowContext, 'ws'>, SshPool>();

export function flowPool(fc: Pick<FlowContext, 'ws' | 'becomePassword' | 'onCleanup'>): SshPool {
  let pool = pools.get(fc);
  if (!pool) {
    const { ws } = fc;
    const made = clusterPool(() => ws.cluster, {
      configDir: ws.configDir,
      knownHostsFile: ws.knownHostsFile,
      timeoutMs: 10_000,
      ...(fc.becomePassword !== undefined ? { becomePassword: fc.becomePassword } : {}),
    });
    fc.onCleanup(() => made.close());
    pools.set(fc, made);
    pool = made;
  }
  return pool;
}
