// PURE: the network segments of the document, with their sizes and the checks that matter for them.
import { podNetworkCapacity, poolAddresses, serviceIps } from '../config/capacity.js';
import type { Cluster } from '../config/model.js';
import { contains, ipAt, ipValue, isIPv4, overlaps, parseNetwork, parsePoolEntry, type Range } from '../config/net.js';
import type { DocCheck, DocModel, DocSegment } from './schema.js';

// the config states node addresses, not their prefix: kspray assumes each /24 that holds one is a node segment
const NODE_PREFIX = 24;

export function nodeSegments(c: Cluster): DocModel['network']['nodeSegments'] {
  const bySegment = new Map<string, string[]>();
  for (const h of c.hosts) {
    if (!isIPv4(h.ip)) continue;
    const cidr = `${h.ip.split('.').slice(0, 3).join('.')}.0/${NODE_PREFIX}`;
    const list = bySegment.get(cidr);
    if (list) list.push(h.name);
    else bySegment.set(cidr, [h.name]);
  }
  return [...bySegment].sort((a, b) => (ipValue(a[0].split('/')[0]!) < ipValue(b[0].split('/')[0]!) ? -1 : 1)).map(([cidr, hosts]) => ({ cidr, assumed: true, hosts }));
}

const rangeOf = (text: string): Range | undefined => {
  const r = parsePoolEntry(text);
  return r.ok ? r.range : undefined;
};

export function networkSection(c: Cluster): DocModel['network'] {
  const spec = c.config.spec;
  const net = spec.network;
  const segs = nodeSegments(c);
  const segments: DocSegment[] = segs.map((s) => ({
    name: `nodes ${s.cidr}`,
    cidr: s.cidr,
    purpose: 'node-to-node traffic, API server, etcd, SSH',
    addresses: 2 ** (32 - NODE_PREFIX),
    usable: 2 ** (32 - NODE_PREFIX) - 2,
    source: 'spec.hosts[].ip (prefix assumed /24: the config has none)',
    notes: [`hosts: ${s.hosts.join(', ')}`],
  }));
  const plan = podNetworkCapacity(net);
  const svc = parseNetwork(net.serviceSubnet);
  const pods = parseNetwork(net.podSubnet);
  if (pods.ok && plan.ok) {
    const a = plan.value.allocation;
    segments.push({
      name: 'pods',
      cidr: net.podSubnet,
      purpose: `pod addresses, handed out by ${net.plugin}`,
      addresses: plan.value.podAddresses,
      usable: a.kind === 'calico-blocks' ? a.blocks * a.addressesPerBlock : a.nodeRanges * Math.max(a.addressesPerRange, 0),
      source: 'spec.network.podSubnet (kube_pods_subnet)',
      notes:
        a.kind === 'calico-blocks'
          ? [`Calico IPAM: ${a.blocks} blocks of /${a.blockSize} (${a.addressesPerBlock} addresses); a node claims blocks as it needs them, so kube_network_node_prefix /${net.nodePrefix} does not size a node's pods`]
          : [`${a.nodeRanges} node ranges of /${a.nodePrefix} (${a.addressesPerRange} pod addresses each), one per node`],
    });
  }
  const apiIp = svc.ok ? ipAt(svc.range, 1n) : undefined;
  const dnsOn = spec.dns.mode === 'coredns' || spec.dns.mode === 'coredns_dual';
  // kubespray: skydns_server = kube_service_addresses | ipaddr('net') | ipaddr(3)
  const dnsIp = svc.ok && dnsOn ? ipAt(svc.range, 3n) : undefined;
  if (svc.ok)
    segments.push({
      name: 'services',
      cidr: net.serviceSubnet,
      purpose: 'ClusterIPs, answered by kube-proxy on every node',
      addresses: Number(svc.range.end - svc.range.start + 1n),
      usable: serviceIps(net.serviceSubnet) ?? 0,
      source: 'spec.network.serviceSubnet (kube_service_addresses)',
      notes: [`${apiIp} is the kubernetes API Service`, ...(dnsIp ? [`${dnsIp} is CoreDNS (kubespray's skydns_server: the third address)`] : [])],
    });
  const mlb = spec.addons.metallb;
  if (mlb.enabled)
    for (const pool of mlb.pools)
      for (const entry of pool.addresses) {
        const n = poolAddresses([entry]);
        segments.push({
          name: `MetalLB pool ${pool.name}`,
          cidr: entry,
          purpose: `LoadBalancer Service addresses, announced by ${pool.mode === 'layer2' ? 'layer 2 (ARP)' : 'BGP'}${pool.autoAssign ? '' : ', assigned only on request'}`,
          addresses: n,
          usable: n,
          source: 'spec.addons.metallb.pools (metallb_config.address_pools)',
          notes: [],
        });
      }
  if (spec.dns.nodelocaldns.enabled)
    segments.push({ name: 'NodeLocal DNS', cidr: `${spec.dns.nodelocaldns.ip}/32`, purpose: 'DNS cache on every node (link-local)', addresses: 1, usable: 1, source: 'spec.dns.nodelocaldns.ip (nodelocaldns_ip)', notes: dnsIp ? [`forwards cluster names to CoreDNS ${dnsIp}`] : [] });
  return {
    nodeSegments: segs,
    segments,
    ...(apiIp ? { apiServerServiceIp: apiIp } : {}),
    ...(dnsIp ? { coreDnsServiceIp: dnsIp } : {}),
    nodeLocalDns: { enabled: spec.dns.nodelocaldns.enabled, ip: spec.dns.nodelocaldns.ip },
    upstreamDns: spec.dns.upstreamServers ?? [],
    checks: networkChecks(c, segs),
  };
}

function networkChecks(c: Cluster, segs: DocModel['network']['nodeSegments']): DocCheck[] {
  const spec = c.config.spec;
  const checks: DocCheck[] = [];
  const named: { what: string; range: Range }[] = [];
  const pods = rangeOf(spec.network.podSubnet);
  const svc = rangeOf(spec.network.serviceSubnet);
  if (pods) named.push({ what: `pod subnet ${spec.network.podSubnet}`, range: pods });
  if (svc) named.push({ what: `service subnet ${spec.network.serviceSubnet}`, range: svc });
  const nodeRanges = segs.map((s) => ({ what: `node segment ${s.cidr}`, range: rangeOf(s.cidr)! }));
  const mlb = spec.addons.metallb;
  const pools = mlb.enabled ? mlb.pools.flatMap((p) => p.addresses.map((a) => ({ pool: p, entry: a, range: rangeOf(a) }))) : [];
  for (const p of pools) if (p.range) named.push({ what: `MetalLB pool ${p.pool.name} ${p.entry}`, range: p.range });
  const clashes: string[] = [];
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) if (overlaps(named[i]!.range, named[j]!.range)) clashes.push(`${named[j]!.what} overlaps ${named[i]!.what}`);
    // a pool may (and for layer 2 should) lie in a node segment; the cluster's own subnets may not
    if (i < (pods ? 1 : 0) + (svc ? 1 : 0)) for (const n of nodeRanges) if (overlaps(n.range, named[i]!.range)) clashes.push(`${named[i]!.what} overlaps ${n.what}`);
  }
  checks.push(
    clashes.length
      ? { id: 'network/overlap', severity: 'error', message: clashes.join('; '), fix: 'choose ranges that do not intersect' }
      : { id: 'network/overlap', severity: 'ok', message: `no overlaps between the node segments, the pod and service subnets${pools.length ? ' and the MetalLB pools' : ''}` },
  );
  for (const p of pools) {
    if (!p.range || p.pool.mode !== 'layer2') continue;
    const home = nodeRanges.find((n) => contains(n.range, p.range!.start) && contains(n.range, p.range!.end));
    const nodesInPool = c.hosts.filter((h) => isIPv4(h.ip) && contains(p.range!, ipValue(h.ip))).map((h) => h.name);
    if (nodesInPool.length) checks.push({ id: 'metallb/pool-holds-nodes', severity: 'error', message: `MetalLB pool ${p.pool.name} ${p.entry} contains node addresses (${nodesInPool.join(', ')})`, fix: 'take the node addresses out of the pool' });
    else if (home)
      checks.push({ id: 'metallb/l2-in-node-segment', severity: 'ok', message: `layer-2 pool ${p.pool.name} ${p.entry} lies in node segment ${home.what.replace('node segment ', '')}: the nodes answer ARP for it; keep it out of the router's DHCP range` });
    else
      checks.push({
        id: 'metallb/l2-outside-node-segment',
        severity: 'warning',
        message: `layer-2 pool ${p.pool.name} ${p.entry} lies outside every node segment (${segs.map((s) => s.cidr).join(', ') || 'none known'}): ARP announcements reach only the nodes' own segment, so clients elsewhere reach these addresses only if the router sends ${p.entry} to the node segment`,
        fix: `add a route for ${p.entry} via the node segment on the router (or proxy ARP there), move the pool into a node segment, or announce it with BGP (mode: layer3)`,
      });
  }
  if (!spec.kubeProxy.strictArp && mlb.enabled && spec.kubeProxy.mode === 'ipvs')
    checks.push({ id: 'metallb/strict-arp', severity: 'error', message: 'MetalLB with kube-proxy in ipvs mode needs strict ARP', fix: 'set spec.kubeProxy.strictArp: true' });
  return checks;
}
