// PURE: the facts preflight gathers from a host in one round trip, and what they mean for kubespray.
import type { NodeHost } from '../config/model.js';

/** One remote POSIX sh script; prints key=value lines only. */
export const probeScript = [
  'echo "python3=$(command -v python3 || true)"',
  'echo "epoch=$(date +%s)"',
  "echo \"memtotal_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)\"",
  'echo "ipv4=$( (ip -o -4 addr show 2>/dev/null || true) | awk \'{print $4}\' | cut -d/ -f1 | tr "\\n" " ")"',
  'if [ -d /run/systemd/system ]; then echo service_mgr=systemd; else echo "service_mgr=$(cat /proc/1/comm 2>/dev/null || echo unknown)"; fi',
  'echo "cgroupfs=$(stat -fc %T /sys/fs/cgroup/ 2>/dev/null || echo missing)"',
  'echo "hostname=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"',
].join('; ');

export interface Probe {
  python3: string;
  epoch: number;
  memtotalKb: number;
  ipv4: string[];
  serviceMgr: string;
  cgroupfs: string;
}

export function parseProbe(out: string): Probe {
  const kv = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return {
    python3: kv.get('python3') ?? '',
    epoch: Number(kv.get('epoch') ?? NaN),
    memtotalKb: Number(kv.get('memtotal_kb') ?? NaN),
    ipv4: (kv.get('ipv4') ?? '').split(/\s+/).filter(Boolean),
    serviceMgr: kv.get('service_mgr') ?? 'unknown',
    cgroupfs: kv.get('cgroupfs') ?? 'missing',
  };
}

export interface Finding {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

// kubespray: minimal_master_memory_mb 1500, minimal_node_memory_mb 1024 (compared with ansible_memtotal_mb)
export const MIN_CP_MB = 1500;
export const MIN_NODE_MB = 1024;
export const MAX_SKEW_S = 30;

export function judgeProbe(h: NodeHost, p: Probe, localEpoch: number): Finding[] {
  const mb = Math.floor(p.memtotalKb / 1024);
  const need = h.controlPlane ? MIN_CP_MB : MIN_NODE_MB;
  const skew = Math.abs(p.epoch - localEpoch);
  return [
    { check: 'python3', ok: p.python3 !== '', detail: p.python3 || 'not found', fix: 'install python3 on the host (Ansible needs it)' },
    {
      check: 'ip',
      ok: p.ipv4.includes(h.ip),
      detail: p.ipv4.includes(h.ip) ? `${h.ip} is on the host` : `${h.ip} is not one of ${p.ipv4.join(', ') || 'its addresses'}`,
      fix: `set spec.hosts[${h.index}].ip to one of the host's addresses (kubespray asserts it)`,
    },
    {
      check: 'clock',
      ok: Number.isFinite(skew) && skew <= MAX_SKEW_S,
      detail: Number.isFinite(skew) ? `skew ${skew}s` : 'no clock reading',
      fix: 'sync clocks (chrony/timesyncd); etcd and certificates need them within seconds',
    },
    {
      check: 'memory',
      ok: Number.isFinite(mb) && mb >= need,
      detail: `${mb} MB (kubespray needs ${need} MB for a ${h.controlPlane ? 'control plane' : 'node'})`,
      fix: 'give the host more memory',
    },
    { check: 'systemd', ok: p.serviceMgr === 'systemd', detail: `service manager: ${p.serviceMgr}`, fix: 'kubespray asserts systemd; use a systemd-based OS' },
    { check: 'cgroups', ok: p.cgroupfs !== 'missing', detail: `/sys/fs/cgroup: ${p.cgroupfs}`, fix: 'mount cgroups (kubespray v2.25+ asserts them)' },
  ];
}
