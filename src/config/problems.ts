// A problem found in a config: where (dot path + YAML line), what is wrong, and how to fix it.

export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  /** dot path into the document, e.g. spec.network.podSubnet or spec.hosts[2].name */
  path: string;
  line?: number;
  message: string;
  fix?: string;
  /** stable rule id, e.g. network/overlap */
  rule: string;
}

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || '(document)';
}

export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

export function formatProblem(p: Problem): string {
  const where = p.line ? `${p.path} (line ${p.line})` : p.path;
  return `${where}: ${p.message}${p.fix ? ` — ${p.fix}` : ''}`;
}

export class ProblemList {
  readonly items: Problem[] = [];
  error(rule: string, path: string, message: string, fix?: string): void {
    this.items.push({ severity: 'error', rule, path, message, ...(fix ? { fix } : {}) });
  }
  warn(rule: string, path: string, message: string, fix?: string): void {
    this.items.push({ severity: 'warning', rule, path, message, ...(fix ? { fix } : {}) });
  }
  get errors(): Problem[] {
    return this.items.filter((p) => p.severity === 'error');
  }
  get warnings(): Problem[] {
    return this.items.filter((p) => p.severity === 'warning');
  }
}

/** Levenshtein distance, for "did you mean" on unknown keys. */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

export function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(key.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}
