// What every health check produces: a status, the evidence behind it and what to do about it.

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** stable id, e.g. nodes.ready, etcd.quorum */
  id: string;
  title: string;
  status: CheckStatus;
  /** short facts the status is based on (bounded: long lists are summarised) */
  evidence: string[];
  /** what to do, when the status is not ok */
  fix?: string;
}

export const check = (id: string, title: string, status: CheckStatus, evidence: string[] = [], fix?: string): Check => ({
  id,
  title,
  status,
  evidence,
  ...(fix && status !== 'ok' ? { fix } : {}),
});

const rank: Record<CheckStatus, number> = { ok: 0, skip: 0, warn: 1, fail: 2 };
export const worst = (statuses: CheckStatus[]): CheckStatus =>
  statuses.reduce<CheckStatus>((a, b) => (rank[b] > rank[a] ? b : a), 'ok');

/** "a, b, c and 12 more": names in evidence stay bounded with thousands of nodes */
export function sample(names: string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
