import { describe, expect, it } from 'vitest';
import { checkKey, fingerprint, hostKeyFromWire, knownHostName, KnownHosts } from './known-hosts.js';

// the wire format of an ssh-ed25519 key: string "ssh-ed25519", string <32 key bytes>
const wire = (fill: number) => {
  const type = Buffer.from('ssh-ed25519');
  const key = Buffer.alloc(32, fill);
  const len = (n: number) => Buffer.from([0, 0, 0, n]);
  return Buffer.concat([len(type.length), type, len(key.length), key]);
};
const k1 = hostKeyFromWire(wire(1));
const k2 = hostKeyFromWire(wire(2));

describe('known_hosts names and keys', () => {
  it('names a host as OpenSSH does: the address on port 22, [address]:port otherwise', () => {
    expect(knownHostName('10.0.0.5', 22)).toBe('10.0.0.5');
    expect(knownHostName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
    expect(knownHostName('fd00::5', 2222)).toBe('[fd00::5]:2222');
  });
  it('reads the key type from the wire format and fingerprints like ssh-keygen -l (SHA256, unpadded base64)', () => {
    expect(k1.type).toBe('ssh-ed25519');
    expect(Buffer.from(k1.key, 'base64').equals(wire(1))).toBe(true);
    expect(fingerprint(k1)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprint(k1)).not.toBe(fingerprint(k2));
  });
});

describe('a known_hosts file', () => {
  const text = [
    '# kept as written',
    `10.0.0.5 ${k1.type} ${k1.key}`,
    `[10.0.0.6]:2222,kube02 ${k2.type} ${k2.key}`,
    `|1|c2FsdA==|aGFzaA== ${k2.type} ${k2.key}`,
    `@cert-authority *.lab ${k2.type} ${k2.key}`,
    '',
  ].join('\n');

  it('finds the keys pinned for an address and port, also in a comma list; hashed and marker lines are not read', () => {
    const kh = KnownHosts.parse('/kh', text);
    expect(kh.lookup('10.0.0.5', 22)).toEqual([k1]);
    expect(kh.lookup('10.0.0.6', 2222)).toEqual([k2]);
    expect(kh.lookup('10.0.0.6', 22)).toEqual([]);
    expect(kh.lookup('kube02', 22)).toEqual([k2]);
    expect(kh.lookup('kube02', 2222)).toEqual([]);
  });
  it('a key is a match, unknown, or a mismatch naming what is pinned', () => {
    const kh = KnownHosts.parse('/kh', text);
    expect(checkKey(kh, '10.0.0.5', 22, k1)).toEqual({ status: 'match' });
    expect(checkKey(kh, '10.0.0.9', 22, k1)).toEqual({ status: 'unknown' });
    expect(checkKey(kh, '10.0.0.5', 22, k2)).toEqual({ status: 'mismatch', pinned: [k1] });
  });
  it('pinning replaces what was pinned for that name and keeps every other line as it was', () => {
    const kh = KnownHosts.parse('/kh', text);
    kh.pin('10.0.0.5', 22, k2);
    kh.pin('10.0.0.7', 2200, k1);
    expect(kh.text()).toBe(
      [
        '# kept as written',
        `[10.0.0.6]:2222,kube02 ${k2.type} ${k2.key}`,
        `|1|c2FsdA==|aGFzaA== ${k2.type} ${k2.key}`,
        `@cert-authority *.lab ${k2.type} ${k2.key}`,
        `10.0.0.5 ${k2.type} ${k2.key}`,
        `[10.0.0.7]:2200 ${k1.type} ${k1.key}`,
        '',
      ].join('\n'),
    );
    expect(checkKey(KnownHosts.parse('/kh', kh.text()), '10.0.0.5', 22, k2)).toEqual({ status: 'match' });
  });
  it('an empty file has no pins and writes only entries it is given', () => {
    const kh = KnownHosts.parse('/kh', '');
    expect(kh.lookup('10.0.0.5', 22)).toEqual([]);
    kh.pin('10.0.0.5', 22, k1);
    expect(kh.text()).toBe(`10.0.0.5 ${k1.type} ${k1.key}\n`);
  });
});
