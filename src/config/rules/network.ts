// Address plan checks: ranges are networks, do not overlap, and are big enough for the plugin's real allocation.
import { contains, isIPv4, isLinkLocal, ipValue, overlaps, parseNetwork, parsePoolEntry, reservedOverlap, singleRange, size, type Range } from '../net.js';
import { podNetworkCapacity } from '../capacity.js';
import { hostPath, type Rule } from './context.js';

interface Named {
  path: string;
  what: string;
  range: Range;
}

export const networkRules: Rule[] = [
  function addressPlan({ cluster, problems }) {
    const { spec } = cluster.config;
    const net = spec.network;
    const named: Named[] = [];
    const pods = parseNetwork(net.podSubnet);
    const svc = parseNetwork(net.serviceSubnet);
    if (!pods.ok) problems.error('network/pod-subnet', 'spec.network.podSubnet', pods.reason, pods.fix);
    else named.push({ path: 'spec.network.podSubnet', what: 'the pod subnet', range: pods.range });
    if (!svc.ok) problems.error('network/service-subnet', 'spec.network.serviceSubnet', svc.reason, svc.fix);
    else named.push({ path: 'spec.network.serviceSubnet', what: 'the service subnet', range: svc.range });

    if (spec.addons.metallb.enabled || spec.addons.metallb.pools.length > 0)
      for (const [pi, pool] of spec.addons.metallb.pools.entries())
        for (const [ai, entry] of pool.addresses.entries()) {
          const path = `spec.addons.metallb.pools[${pi}].addresses[${ai}]`;
          const r = parsePoolEntry(entry);
          if (!r.ok) problems.error('metallb/bad-range', path, r.reason, r.fix);
          else named.push({ path, what: `MetalLB pool "${pool.name}"`, range: r.range });
        }

    for (let i = 0; i < named.length; i++)
      for (let j = i + 1; j < named.length; j++) {
        const a = named[i]!;
        const b = named[j]!;
        if (overlaps(a.range, b.range))
          problems.error('network/overlap', b.path, `${b.range.text} overlaps ${a.what} ${a.range.text} (${a.path})`, 'choose ranges that do not intersect');
      }

    // Node addresses inside cluster ranges break routing (and kubespray's access_ip checks). Each address is parsed once.
    for (const h of cluster.hosts)
      for (const [key, ip] of [['ip', h.ip], ['accessIp', h.accessIp]] as const) {
        if (key === 'accessIp' && ip === h.ip) continue;
        const value = isIPv4(ip) ? ipValue(ip) : undefined;
        const hit = value === undefined ? undefined : named.find((n) => contains(n.range, value));
        if (hit)
          problems.error('network/node-in-range', hostPath(h.index, h.raw[key] ? key : 'address'), `node ${key === 'ip' ? 'ip' : 'access ip'} ${ip} lies inside ${hit.what} ${hit.range.text}`, `move ${hit.what} (${hit.path}) away from the node network`);
      }

    const dnsIp = spec.dns.nodelocaldns.ip;
    if (spec.dns.nodelocaldns.enabled) {
      if (!isIPv4(dnsIp)) problems.error('dns/nodelocal-ip', 'spec.dns.nodelocaldns.ip', `"${dnsIp}" is not an IPv4 address`, 'use a link-local address such as 169.254.25.10');
      else {
        const hit = named.find((n) => contains(n.range, ipValue(dnsIp)));
        if (hit) problems.error('dns/nodelocal-in-range', 'spec.dns.nodelocaldns.ip', `${dnsIp} lies inside ${hit.what} ${hit.range.text}`, 'use a link-local address such as 169.254.25.10');
        else if (!isLinkLocal(dnsIp) && !reservedOverlap(singleRange(dnsIp))) problems.warn('dns/nodelocal-not-link-local', 'spec.dns.nodelocaldns.ip', `${dnsIp} is not link-local; NodeLocal DNS binds it on every node`, 'use an address in 169.254.0.0/16');
      }
    }
    for (const [i, s] of (spec.dns.upstreamServers ?? []).entries())
      if (!isIPv4(s)) problems.error('dns/upstream', `spec.dns.upstreamServers[${i}]`, `"${s}" is not an IPv4 address`, 'list resolver addresses, e.g. 192.168.10.1');
  },

  function capacity({ cluster, problems }) {
    const net = cluster.config.spec.network;
    const nodes = cluster.hosts.length;
    const plan = podNetworkCapacity(net);
    if (!plan.ok) {
      const p = plan.problem;
      if (p.kind === 'node-prefix')
        problems.error('network/node-prefix', 'spec.network.nodePrefix', `/${net.nodePrefix} per node is larger than the whole pod subnet /${p.podPrefix}`, p.podPrefix >= 30 ? `widen the pod subnet (e.g. 10.233.64.0/18); a /${p.podPrefix} cannot hold one node's pods` : `use a node prefix between ${p.podPrefix} and 30`);
      else if (p.kind === 'block-size')
        problems.error('calico/block-size', 'spec.network.calico.blockSize', `block /${p.blockSize} is larger than the pod subnet /${p.podPrefix}`, `use a block size between ${p.podPrefix} and 32 (default 26)`);
      return;
    }
    const { allocation: a, nodeCidrs } = plan.value;
    if (a.kind === 'calico-blocks') {
      const bs = a.blockSize;
      if (a.blocks < nodes)
        problems.error('network/too-many-nodes', 'spec.network.podSubnet', `${nodes} nodes but the pod subnet holds only ${a.blocks} Calico /${bs} blocks (one per node at least)`, 'widen spec.network.podSubnet or use a larger spec.network.calico.blockSize');
      else if (a.blocks < nodes * a.blocksPerNode)
        problems.warn('network/pod-headroom', 'spec.network.podSubnet', `${nodes} nodes × ${net.maxPodsPerNode} pods need ${nodes * a.blocksPerNode} /${bs} blocks, the pool has ${a.blocks}`, 'widen spec.network.podSubnet');
      if (nodeCidrs < nodes)
        problems.warn('calico/node-cidrs', 'spec.network.nodePrefix', `only ${nodeCidrs} /${net.nodePrefix} node CIDRs fit in ${net.podSubnet}; kube-controller-manager will report CIDRNotAvailable for the other nodes (Calico IPAM itself is unaffected)`, 'raise nodePrefix or widen the pod subnet');
      return;
    }
    if (a.nodeRanges < nodes)
      problems.error('network/too-many-nodes', 'spec.network.nodePrefix', `${nodes} nodes but ${net.podSubnet} split into /${net.nodePrefix} holds only ${a.nodeRanges} (kubespray: "Not enough IPs are available for the desired node count")`, 'widen the pod subnet or raise nodePrefix');
    if (net.maxPodsPerNode > a.addressesPerRange)
      problems.error('network/max-pods', 'spec.network.maxPodsPerNode', `${net.maxPodsPerNode} pods per node do not fit in a /${net.nodePrefix} (${a.addressesPerRange} addresses; kubespray: "Do not schedule more pods on a node than inet addresses are available")`, `lower maxPodsPerNode to ${a.addressesPerRange} or lower nodePrefix`);
  },

  function serviceRange({ cluster, problems }) {
    const svc = parseNetwork(cluster.config.spec.network.serviceSubnet);
    if (svc.ok && size(svc.range) < 16n)
      problems.error('network/service-too-small', 'spec.network.serviceSubnet', `${svc.range.text} has only ${size(svc.range)} addresses`, 'use at least a /28 (kubespray reserves the first addresses for the API server and DNS)');
  },
];
