// PURE: typed Ansible events (from the kspray_events callback) and the run state they add up to.

export type AnsibleEvent =
  | { type: 'playbook_start'; ts: number; playbook: string }
  | { type: 'play_start'; ts: number; play: string; hosts: string[] | string }
  | { type: 'task_start'; ts: number; task: string; action: string; handler?: boolean }
  | { type: 'host_ok'; ts: number; host: string; task: string; action: string; changed: boolean }
  | { type: 'host_failed'; ts: number; host: string; task: string; action: string; msg: string; ignored: boolean; assertion?: string }
  | { type: 'host_unreachable'; ts: number; host: string; task: string; action: string; msg: string }
  | { type: 'host_skipped'; ts: number; host: string; task: string; action: string }
  | { type: 'stats'; ts: number; hosts: Record<string, HostStats> };

export interface HostStats {
  ok: number;
  changed: number;
  failures: number;
  unreachable: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

const known = new Set(['playbook_start', 'play_start', 'task_start', 'host_ok', 'host_failed', 'host_unreachable', 'host_skipped', 'stats']);

/** One line → an event, or undefined (blank, partial or foreign lines are ignored, never fatal). */
export function parseEventLine(line: string): AnsibleEvent | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(t) as { type?: unknown };
    return typeof v.type === 'string' && known.has(v.type) ? (v as AnsibleEvent) : undefined;
  } catch {
    return undefined;
  }
}

export interface Failure {
  host: string;
  task: string;
  msg: string;
  unreachable: boolean;
}

export interface RunState {
  playbook?: string;
  play?: string;
  task?: string;
  tasksStarted: number;
  hostsSeen: Set<string>;
  failedHosts: Set<string>;
  unreachableHosts: Set<string>;
  failures: Failure[];
  stats?: Record<string, HostStats>;
}

export const newRunState = (): RunState => ({ tasksStarted: 0, hostsSeen: new Set(), failedHosts: new Set(), unreachableHosts: new Set(), failures: [] });

export function applyEvent(s: RunState, e: AnsibleEvent): RunState {
  switch (e.type) {
    case 'playbook_start':
      s.playbook = e.playbook;
      break;
    case 'play_start':
      s.play = e.play;
      break;
    case 'task_start':
      s.task = e.task;
      s.tasksStarted++;
      break;
    case 'host_ok':
    case 'host_skipped':
      s.hostsSeen.add(e.host);
      break;
    case 'host_failed':
      s.hostsSeen.add(e.host);
      if (!e.ignored) {
        s.failedHosts.add(e.host);
        s.failures.push({ host: e.host, task: e.task, msg: e.msg, unreachable: false });
      }
      break;
    case 'host_unreachable':
      s.hostsSeen.add(e.host);
      s.unreachableHosts.add(e.host);
      s.failures.push({ host: e.host, task: e.task, msg: e.msg, unreachable: true });
      break;
    case 'stats':
      s.stats = e.hosts;
      break;
  }
  return s;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One status line for the live view. */
export function statusLine(s: RunState, elapsedMs: number, estimateMs?: number): string {
  const where = [s.play && `[${s.play}]`, s.task].filter(Boolean).join(' ');
  const hosts = `${s.hostsSeen.size} host(s)${s.failedHosts.size ? `, ${s.failedHosts.size} failed` : ''}${s.unreachableHosts.size ? `, ${s.unreachableHosts.size} unreachable` : ''}`;
  const time = formatDuration(elapsedMs) + (estimateMs ? ` of ~${formatDuration(estimateMs)}` : '');
  return `${where || 'starting'} — ${hosts} — ${time}`;
}
