// Addresses no node, pod, service, pool or resolver can use (loopback, multicast, unspecified, broadcast, link-local
// for nodes), and DNS settings that loop: kubespray renders them without complaint and the cluster then fails at run time.
import { ipAt, isIPv4, parseNetwork, parsePoolEntry, reservedOverlap, singleRange, type ReservedKind } from '../net.js';
import type { ProblemList } from '../problems.js';
import { hostPath, type Rule } from './context.js';

const unicastFix = 'use a routable unicast IPv4 address, e.g. 192.168.10.21';

function checkAddress(problems: ProblemList, path: string, ip: string, role: string, allow: readonly ReservedKind[] = [], fix = unicastFix): boolean {
  if (!isIPv4(ip)) return true;
  const hit = reservedOverlap(singleRange(ip), allow);
  if (hit) problems.error('address/reserved', path, `${ip} is ${hit.kind === 'broadcast' ? '' : 'in '}${hit.what}, which cannot be ${role}`, fix);
  return !hit;
}

function checkRange(problems: ProblemList, path: string, text: string, what: string, parse = parseNetwork): void {
  const r = parse(text);
  if (!r.ok) return; // the network rules report the syntax
  const hit = reservedOverlap(r.range);
  if (hit) problems.error('address/reserved-range', path, `${text} overlaps ${hit.what}, which ${what} cannot use`, 'choose a private range such as 10.233.0.0/18 or 192.168.100.0/24');
}

/** kubespray's skydns_server: the 3rd address of the service subnet (CoreDNS's service IP). */
export function corednsIp(serviceSubnet: string): string | undefined {
  const r = parseNetwork(serviceSubnet);
  return r.ok && r.range.end - r.range.start >= 3n ? ipAt(r.range, 3n) : undefined;
}

// RFC 1123 subdomain, which kubelet's clusterDomain and CoreDNS's zone must be
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export function dnsDomainProblem(domain: string): string | undefined {
  if (domain === '') return 'is empty';
  if (/\s/.test(domain)) return 'contains spaces';
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(domain)) return 'contains non-ASCII characters (write the punycode form, xn--...)';
  if (domain.length > 253) return `is ${domain.length} characters long (253 at most)`;
  const labels = domain.split('.');
  if (labels.some((l) => l === '')) return 'has an empty label (leading, trailing or doubled ".")';
  const bad = labels.find((l) => !dnsLabel.test(l));
  if (bad !== undefined) return `has the label "${bad}", which is not lower-case letters, digits and "-" (at most 63, starting and ending alphanumeric)`;
  return undefined;
}

export const addressRules: Rule[] = [
  function nodeAddresses({ cluster, problems }) {
    const { spec } = cluster.config;
    const dns = spec.dns.nodelocaldns;
    for (const h of cluster.hosts) {
      const keys = [['address', h.address], ['ip', h.raw.ip], ['accessIp', h.raw.accessIp]] as const;
      for (const [key, ip] of keys) {
        if (ip === undefined || !checkAddress(problems, hostPath(h.index, key), ip, 'a node address')) continue;
        if (dns.enabled && ip === dns.ip)
          problems.error('dns/nodelocal-is-node', hostPath(h.index, key), `${ip} is also the NodeLocal DNS address (spec.dns.nodelocaldns.ip), which every node binds locally`, 'keep nodelocaldns.ip in 169.254.0.0/16 (default 169.254.25.10)');
      }
    }
    const b = spec.ssh.bastion;
    if (b) checkAddress(problems, 'spec.ssh.bastion.address', b.address, 'a jump host address');
    const lb = spec.apiServer.loadBalancer;
    if (lb.type === 'external') checkAddress(problems, 'spec.apiServer.loadBalancer.address', lb.address, 'an external load balancer address');
  },

  function clusterRanges({ cluster, problems }) {
    const { spec } = cluster.config;
    checkRange(problems, 'spec.network.podSubnet', spec.network.podSubnet, 'the pod subnet');
    checkRange(problems, 'spec.network.serviceSubnet', spec.network.serviceSubnet, 'the service subnet');
    const m = spec.addons.metallb;
    if (m.enabled || m.pools.length)
      for (const [pi, pool] of m.pools.entries())
        for (const [ai, entry] of pool.addresses.entries()) checkRange(problems, `spec.addons.metallb.pools[${pi}].addresses[${ai}]`, entry, 'a MetalLB pool', parsePoolEntry);
    const n = spec.dns.nodelocaldns;
    if (n.enabled) checkAddress(problems, 'spec.dns.nodelocaldns.ip', n.ip, 'the NodeLocal DNS address', ['link-local'], 'use a link-local address such as 169.254.25.10');
  },

  function dnsLoops({ cluster, problems }) {
    const { spec } = cluster.config;
    const coredns = corednsIp(spec.network.serviceSubnet);
    const nodelocal = spec.dns.nodelocaldns.enabled ? spec.dns.nodelocaldns.ip : undefined;
    for (const [i, s] of (spec.dns.upstreamServers ?? []).entries()) {
      const path = `spec.dns.upstreamServers[${i}]`;
      if (!isIPv4(s)) continue;
      const hit = reservedOverlap(singleRange(s), ['link-local']);
      if (hit)
        problems.error('dns/upstream-reserved', path, `${s} is in ${hit.what}; CoreDNS and NodeLocal DNS forward from their own network namespace, where it is not the node's resolver`, "list the resolver's routable address, e.g. your router 192.168.10.1");
      else if (s === coredns)
        problems.error('dns/upstream-loop', path, `${s} is CoreDNS's own service address (the 3rd address of spec.network.serviceSubnet), so queries would loop`, "list your network's resolver, e.g. 192.168.10.1");
      else if (s === nodelocal)
        problems.error('dns/upstream-loop', path, `${s} is the NodeLocal DNS address (spec.dns.nodelocaldns.ip), which forwards to the upstream servers, so queries would loop`, "list your network's resolver, e.g. 192.168.10.1");
    }
    if (nodelocal !== undefined && coredns !== undefined && nodelocal === coredns)
      problems.error('dns/nodelocal-is-coredns', 'spec.dns.nodelocaldns.ip', `${nodelocal} is CoreDNS's service address (the 3rd address of spec.network.serviceSubnet)`, 'use a link-local address such as 169.254.25.10');
  },

  function dnsDomain({ cluster, problems }) {
    const { spec } = cluster.config;
    const domain = spec.dns.domain ?? cluster.name;
    const why = dnsDomainProblem(domain);
    if (why)
      problems.error(
        'dns/domain',
        spec.dns.domain === undefined ? 'metadata.name' : 'spec.dns.domain',
        `DNS domain ${JSON.stringify(domain)} ${why}; Kubernetes accepts only an RFC 1123 DNS name${spec.dns.domain === undefined ? ' (derived from metadata.name, as spec.dns.domain is unset)' : ''}`,
        'use lower-case labels separated by single dots, e.g. cluster.local',
      );
  },
];
