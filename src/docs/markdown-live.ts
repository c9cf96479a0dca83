// PURE: the --live parts of the markdown document (hardware columns, allocatable and requested, first expiry).
import type { DocLive } from './schema.js';

type Row = (string | number | boolean)[];

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const cores = (milli: number) => `${Number((milli / 1000).toFixed(2))} CPU`;
const pct = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');
const mark = (n: DocLive['nodes'][number], key: string) => (n.from[key] === 'kubernetes' ? ' ¹' : '');

export const liveIntro = (l: DocLive) =>
  `> Includes live data read at ${l.collectedAt}: hardware from the Ansible fact cache (${l.factCache})${l.kubernetes.reachable ? `, capacity from the Kubernetes API (${l.kubernetes.server})` : `; the Kubernetes API was not reachable`}.`;

export const hardwareHead = ['cpu', 'memory', 'disks', 'os', 'kernel'];

/** The hardware cells of one node's row in the topology table. */
export function hardwareCells(l: DocLive, name: string): Row {
  const n = l.nodes.find((x) => x.name === name);
  if (!n) return hardwareHead.map(() => '—');
  const h = n.hardware;
  const none = n.cachedFacts ? 'not in the fact cache' : 'no cached facts';
  return [
    h.cpus !== undefined ? `${h.cpus}${mark(n, 'cpus')}` : none,
    h.memoryMb !== undefined ? `${gib(h.memoryMb * 2 ** 20)}${mark(n, 'memoryMb')}` : none,
    h.disks ? h.disks.map((d) => `${d.name} ${gib(d.bytes)}`).join(', ') || 'none' : none,
    h.os !== undefined ? `${h.os}${mark(n, 'os')}` : none,
    h.kernel !== undefined ? `${h.kernel}${mark(n, 'kernel')}` : none,
  ];
}

/** What replaces the "hardware is not part of the config" sentence. */
export function hardwareNote(l: DocLive): string {
  const missing = l.nodes.filter((n) => !n.cachedFacts).map((n) => n.name);
  const api = l.nodes.some((n) => Object.values(n.from).includes('kubernetes'));
  return [
    `Hardware from the Ansible fact cache ${l.factCache} (written by every deploy).`,
    ...(missing.length ? [`No cached facts for ${missing.join(', ')}: deploy or \`kspray add-node\` gathers them.`] : []),
    ...(api ? ["¹ not in the fact cache (kubespray gathers few hardware facts): from the Node's status in the Kubernetes API."] : []),
  ].join(' ');
}

/** Capacity rows from the API, or one row saying why there are none. */
export function capacityRows(l: DocLive): Row[] {
  const k = l.kubernetes;
  if (!k.reachable) return [['CPU / memory (live)', `not read: ${k.error}${k.hint ? ` (${k.hint})` : ''}`]];
  const cpu = k.allocatableCpuMilli ?? 0;
  const mem = k.allocatableMemoryBytes ?? 0;
  return [
    ['CPU allocatable (live)', `${cores(cpu)} on ${k.nodes} node${k.nodes === 1 ? '' : 's'}`],
    ['Memory allocatable (live)', gib(mem)],
    ['CPU requested (live)', `${cores(k.requestedCpuMilli ?? 0)}${pct(k.requestedCpuMilli ?? 0, cpu)} by ${k.pods} pod${k.pods === 1 ? '' : 's'}`],
    ['Memory requested (live)', `${gib(k.requestedMemoryBytes ?? 0)}${pct(k.requestedMemoryBytes ?? 0, mem)}`],
  ];
}

export function certificateRow(l: DocLive): Row {
  const c = l.certificate;
  return ['First certificate expiry (live)', c.found ? `${c.what} (${c.subject}) expires ${c.notAfter}: ${c.daysLeft} day${c.daysLeft === 1 ? '' : 's'} left` : `not known: ${c.reason}`, '—'];
}
