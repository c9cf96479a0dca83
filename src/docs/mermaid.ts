// PURE: the document's Mermaid diagrams (flowcharts GitHub and GitLab render): topology by failure domain, the
// API-server HA path, the upgrade train. Large clusters are summarised so a diagram stays readable and within the
// size renderers accept.
import type { Cluster, NodeHost } from '../config/model.js';
import { etcdHosts, failureDomains } from './ha.js';
import type { DocModel } from './schema.js';

/** Text inside a quoted Mermaid label: quotes become entities, nothing else is special there. */
export const label = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;
const br = (...lines: string[]) => label(lines.join('<br/>'));
// listed one by one up to this many per group; beyond it the workers are one summary box
const LIST_MAX = 12;

const roleText = (h: NodeHost) => h.raw.roles.join(', ');

export function topologyDiagram(c: Cluster, net: DocModel['network'], checks: DocModel['network']['checks']): string {
  const lines = ['flowchart TB'];
  const domains = failureDomains(c);
  const configured = domains.some((d) => d.configured);
  const groups = configured ? domains : [{ name: 'no failure domains set (spec.hosts[].failureDomain)', configured: false, nodes: c.hosts }];
  groups.forEach((g, gi) => {
    lines.push(`  subgraph fd${gi}[${label(configured ? `failure domain ${g.name}` : g.name)}]`);
    const core = g.nodes.filter((h) => h.controlPlane || h.etcd);
    const rest = g.nodes.filter((h) => !h.controlPlane && !h.etcd);
    const shown = g.nodes.length <= LIST_MAX ? g.nodes : core.slice(0, LIST_MAX);
    for (const h of shown) lines.push(`    n${h.index}[${br(h.name, roleText(h), h.ip)}]`);
    if (g.nodes.length > LIST_MAX) {
      const hidden = g.nodes.filter((h) => !shown.includes(h));
      const workers = rest.length === hidden.length ? 'workers' : 'more nodes';
      lines.push(`    more${gi}[${br(`${hidden.length} ${workers}`, `${hidden[0]!.name} … ${hidden.at(-1)!.name}`)}]`);
    }
    lines.push('  end');
  });
  net.nodeSegments.forEach((s, si) => {
    lines.push(`  seg${si}[(${label(`node segment ${s.cidr}${s.assumed ? ' (assumed /24)' : ''}`)})]`);
    const inSegment = new Set(s.hosts);
    groups.forEach((g, gi) => {
      if (g.nodes.some((h) => inSegment.has(h.name))) lines.push(`  seg${si} --- fd${gi}`);
    });
  });
  const pools = net.segments.filter((s) => s.name.startsWith('MetalLB pool '));
  pools.forEach((p, pi) => {
    const outside = checks.some((x) => x.id === 'metallb/l2-outside-node-segment' && x.message.includes(` ${p.cidr} `));
    lines.push(`  mlb${pi}[/${label(`${p.name} ${p.cidr}${outside ? ' — outside the node segments: the router must route it to them' : ''}`)}/]`);
    const home = net.nodeSegments.findIndex((s) => p.cidr.startsWith(s.cidr.replace(/0\/24$/, '')));
    if (home >= 0) lines.push(`  mlb${pi} --- seg${home}`);
    else if (net.nodeSegments.length) lines.push(`  mlb${pi} -. needs a route .-> seg0`);
  });
  return lines.join('\n') + '\n';
}

export function apiServerDiagram(c: Cluster): string {
  const spec = c.config.spec;
  const lb = spec.apiServer.loadBalancer;
  const port = spec.apiServer.port;
  const etcd = etcdHosts(c);
  const quorum = Math.floor(etcd.length / 2) + 1;
  const lines = ['flowchart LR'];
  if (lb.type === 'local') {
    lines.push(`  client[${br('kubelet, kube-proxy, pods', 'on a node without a control plane')}] --> proxy[${br(`${lb.proxy} on 127.0.0.1:${port}`, 'on every such node')}]`);
    lines.push(`  cpclient[${br('kubelet on a control plane')}] --> api0`);
  } else lines.push(`  client[${br('every client')}] --> proxy[${br(`external load balancer`, `${lb.address}:${lb.port}`)}]`);
  const cps = c.controlPlanes.slice(0, LIST_MAX);
  cps.forEach((h, i) => lines.push(`  proxy --> api${i}[${br(`kube-apiserver ${h.name}`, `${h.accessIp}:${port}`)}]`));
  if (c.controlPlanes.length > cps.length) lines.push(`  proxy --> apimore[${br(`${c.controlPlanes.length - cps.length} more API servers`)}]`);
  lines.push(`  subgraph etcd[${label(`etcd: quorum ${quorum} of ${etcd.length}`)}]`);
  etcd.slice(0, LIST_MAX).forEach((h, i) => lines.push(`    e${i}[${br(h.name, `${h.ip}:2379`)}]`));
  if (etcd.length > LIST_MAX) lines.push(`    emore[${br(`${etcd.length - LIST_MAX} more members`)}]`);
  lines.push('  end');
  cps.forEach((_, i) => lines.push(`  api${i} --> etcd`));
  if (lb.type !== 'local' && cps.length === 0) lines.push('  proxy --> etcd');
  return lines.join('\n') + '\n';
}

export function upgradeDiagram(u: DocModel['upgrade'], c: Cluster): string | undefined {
  if (!u.steps.length) return undefined;
  const lines = ['flowchart LR', `  s0[${br(`kubespray ${c.config.spec.kubespray.version}`, `Kubernetes ${c.config.spec.kubernetes.version}`, '(now)')}]`];
  u.steps.forEach((s, i) => lines.push(`  s${i} --> s${i + 1}[${br(`kubespray ${s.kubespray}`, `Kubernetes ${s.kubernetes}`)}]`));
  return lines.join('\n') + '\n';
}
