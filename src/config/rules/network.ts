// Address plan checks: ranges are networks, do not overlap, and are big enough for the plugin's real allocation.
import { contains, isIPv4, isLinkLocal, ipValue, overlaps, parseNetwork, parsePoolEntry, reservedOverlap, singleRange, size, type Range } from '../net.js';
import { podNetworkProblems } from '../capacity.js';
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
    podNetworkProblems(cluster.config.spec.network, cluster.hosts.length, problems);
  },

  function serviceRange({ cluster, problems }) {
    const svc = parseNetwork(cluster.config.spec.network.serviceSubnet);
    if (svc.ok && size(svc.range) < 16n)
      problems.error('network/service-too-small', 'spec.network.serviceSubnet', `${svc.range.text} has only ${size(svc.range)} addresses`, 'use at least a /28 (kubespray reserves the first addresses for the API server and DNS)');
  },
];
