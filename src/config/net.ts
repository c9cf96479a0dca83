// Address ranges as [start, end] bigints, built with ip-address (no hand-rolled parsing).
import { Address4, Address6 } from 'ip-address';

export interface Range {
  start: bigint;
  end: bigint;
  text: string;
  prefix?: number;
}

export type ParsedNet = { ok: true; range: Range } | { ok: false; reason: string; fix: string };

/** A CIDR that is a network (no host bits set). */
export function parseNetwork(text: string): ParsedNet {
  if (typeof text !== 'string' || !text.includes('/'))
    return { ok: false, reason: `"${String(text)}" is not a CIDR`, fix: 'write it as address/prefix, e.g. 10.233.64.0/18' };
  if (!Address4.isValid(text)) return { ok: false, reason: `"${text}" is not a valid IPv4 CIDR`, fix: 'use a.b.c.d/N with N between 0 and 32' };
  const a = new Address4(text);
  const start = a.startAddress();
  if (start.correctForm() !== a.correctForm())
    return { ok: false, reason: `"${text}" is not a network address (host bits are set)`, fix: `use ${start.correctForm()}/${a.subnetMask}` };
  return { ok: true, range: { start: start.bigInt(), end: a.endAddress().bigInt(), text, prefix: a.subnetMask } };
}

/** A MetalLB address entry: a CIDR or "first-last". */
export function parsePoolEntry(text: string): ParsedNet {
  if (typeof text === 'string' && text.includes('-')) {
    const [a, b] = text.split('-').map((s) => s.trim());
    if (!a || !b || !Address4.isValid(a) || !Address4.isValid(b) || a.includes('/') || b.includes('/'))
      return { ok: false, reason: `"${text}" is not a valid address range`, fix: 'write first-last, e.g. 192.168.100.10-192.168.100.50' };
    const s = new Address4(a).bigInt();
    const e = new Address4(b).bigInt();
    if (e < s) return { ok: false, reason: `"${text}" ends before it starts`, fix: 'swap the two addresses' };
    return { ok: true, range: { start: s, end: e, text } };
  }
  return parseNetwork(text);
}

export function isIPv4(text: unknown): boolean {
  return typeof text === 'string' && !text.includes('/') && Address4.isValid(text);
}

export function ipValue(text: string): bigint {
  return new Address4(text).bigInt();
}

export const overlaps = (a: Range, b: Range) => a.start <= b.end && b.start <= a.end;
export const contains = (r: Range, v: bigint) => r.start <= v && v <= r.end;
export const size = (r: Range) => r.end - r.start + 1n;
export const ipAt = (r: Range, offset: bigint) => Address4.fromBigInt(r.start + offset).address;
export const isLinkLocal = (ip: string) => isIPv4(ip) && new Address4(ip).isLinkLocal();

/** IPv4 ranges no node, pod, service, pool or resolver address may come from, with what they are. */
const reservedV4: { range: Range; what: string }[] = [
  ['0.0.0.0/8', 'the unspecified ("this network") range 0.0.0.0/8'],
  ['127.0.0.0/8', 'the loopback range 127.0.0.0/8'],
  ['169.254.0.0/16', 'the link-local range 169.254.0.0/16'],
  ['224.0.0.0/4', 'the multicast range 224.0.0.0/4'],
  ['255.255.255.255/32', 'the broadcast address 255.255.255.255'],
  ['240.0.0.0/4', 'the reserved range 240.0.0.0/4'],
].map(([cidr, what]) => ({ range: (parseNetwork(cidr!) as { range: Range }).range, what: what! }));

export type ReservedKind = 'unspecified' | 'loopback' | 'link-local' | 'multicast' | 'broadcast' | 'reserved';
const kinds: ReservedKind[] = ['unspecified', 'loopback', 'link-local', 'multicast', 'broadcast', 'reserved'];

/** The first reserved range `r` touches, skipping the kinds in `allow`. */
export function reservedOverlap(r: Range, allow: readonly ReservedKind[] = []): { kind: ReservedKind; what: string } | undefined {
  for (const [i, res] of reservedV4.entries()) {
    const kind = kinds[i]!;
    if (!allow.includes(kind) && overlaps(r, res.range)) return { kind, what: res.what };
  }
  return undefined;
}

export const singleRange = (ip: string): Range => {
  const v = ipValue(ip);
  return { start: v, end: v, text: ip };
};

export const isIPv6 = (text: unknown): boolean => typeof text === 'string' && !text.includes('/') && Address6.isValid(text);

// RFC 1123 host name, as ssh and Ansible resolve it (upper case allowed, an optional trailing dot)
const hostNameRe = /^(?=.{1,253}\.?$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;

/** What an SSH address is: an IPv4, an IPv6, a host name, or nothing usable. */
export function addressKind(text: string): 'ipv4' | 'ipv6' | 'name' | 'bad-ipv4' | 'bad' {
  if (isIPv4(text)) return 'ipv4';
  if (isIPv6(text)) return 'ipv6';
  if (/^[0-9.]+$/.test(text)) return 'bad-ipv4';
  return hostNameRe.test(text) ? 'name' : 'bad';
}
