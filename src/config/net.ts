// Address ranges as [start, end] bigints, built with ip-address (no hand-rolled parsing).
import { Address4 } from 'ip-address';

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
