// PURE: the systemd service + timer that run `kspray etcd-backup` on the operator's machine (output → journal).
import { join } from 'node:path';

export interface ScheduleSpec {
  cluster: string;
  /** absolute paths: node, the kspray launcher, the config */
  node: string;
  kspray: string;
  config: string;
  /** systemd OnCalendar= (daily) or a time span for OnUnitActiveSec= (every) */
  daily: boolean;
  every?: string;
  system: boolean;
  keep?: number;
  out?: string;
  becomePasswordFile?: string;
}

export interface Unit {
  name: string;
  text: string;
}

/** systemd time spans kspray accepts for --every: 30min, 6h, 1d, 1h 30min (at least 5 minutes). */
export function parseEvery(s: string): string | undefined {
  const parts = s.trim().toLowerCase().split(/\s+/);
  const unit: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86400, day: 86400, w: 604800 };
  let total = 0;
  for (const p of parts) {
    const m = /^(\d+)([a-z]+)$/.exec(p);
    if (!m || !unit[m[2]!]) return undefined;
    total += Number(m[1]) * unit[m[2]!]!;
  }
  return total >= 300 ? parts.join(' ') : undefined;
}

export const unitBase = (cluster: string) => `kspray-etcd-backup-${cluster.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

/** systemd's own quoting for ExecStart= arguments. */
const q = (a: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`);

export function renderUnits(s: ScheduleSpec): Unit[] {
  const base = unitBase(s.cluster);
  const argv = [s.node, s.kspray, '-c', s.config, 'etcd-backup', ...(s.keep !== undefined ? ['--keep', String(s.keep)] : []), ...(s.out ? ['--out', s.out] : []), ...(s.becomePasswordFile ? ['--become-password-file', s.becomePasswordFile] : [])];
  const service = [
    '# Written by `kspray etcd-backup schedule`; remove with `kspray etcd-backup unschedule`.',
    '[Unit]',
    `Description=kspray etcd backup of cluster ${s.cluster}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    // plain output (no spinner) to the journal; snapshots stay private (0600 files in 0700 dirs)
    'Environment=CI=1 NO_COLOR=1',
    'UMask=0077',
    `ExecStart=${argv.map(q).join(' ')}`,
    'SyslogIdentifier=kspray-etcd-backup',
    'Nice=10',
    'IOSchedulingClass=best-effort',
    'IOSchedulingPriority=7',
    '',
  ].join('\n');
  const when = s.daily ? ['OnCalendar=daily', 'RandomizedDelaySec=15min', 'Persistent=true'] : [`OnActiveSec=${s.every}`, `OnUnitActiveSec=${s.every}`];
  const timer = [
    '# Written by `kspray etcd-backup schedule`; remove with `kspray etcd-backup unschedule`.',
    '[Unit]',
    `Description=${s.daily ? 'Daily' : `Every ${s.every}:`} kspray etcd backup of cluster ${s.cluster}`,
    '',
    '[Timer]',
    ...when,
    `Unit=${base}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return [
    { name: `${base}.service`, text: service },
    { name: `${base}.timer`, text: timer },
  ];
}

/** Where units go: ~/.config/systemd/user (user) or /etc/systemd/system (system), unless --unit-dir. */
export function unitDir(o: { system: boolean; unitDir?: string; env: NodeJS.ProcessEnv }): string {
  if (o.unitDir) return o.unitDir;
  if (o.system) return '/etc/systemd/system';
  return join(o.env.XDG_CONFIG_HOME ?? join(o.env.HOME ?? '/root', '.config'), 'systemd', 'user');
}

/** The systemctl commands that activate (or deactivate) the timer. */
export function systemctlSteps(system: boolean, timer: string, install: boolean): string[][] {
  const sc = ['systemctl', ...(system ? [] : ['--user'])];
  return install ? [[...sc, 'daemon-reload'], [...sc, 'enable', '--now', timer]] : [[...sc, 'disable', '--now', timer], [...sc, 'daemon-reload']];
}
