// kspray's own known_hosts per cluster (OpenSSH format, so ansible's ssh reads the very same pins).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fsutil/atomic.js';

export interface HostKey {
  type: string;
  /** base64 of the SSH wire-format public key */
  key: string;
}

/** OpenSSH's name for a host: "addr" on port 22, "[addr]:port" otherwise. */
export const knownHostName = (address: string, port: number) => (port === 22 ? address : `[${address}]:${port}`);

export function fingerprint(k: HostKey): string {
  return 'SHA256:' + createHash('sha256').update(Buffer.from(k.key, 'base64')).digest('base64').replace(/=+$/, '');
}

/** The key type is the first length-prefixed string of the wire format. */
export function hostKeyFromWire(buf: Buffer): HostKey {
  const len = buf.readUInt32BE(0);
  return { type: buf.subarray(4, 4 + len).toString('ascii'), key: buf.toString('base64') };
}

export class KnownHosts {
  private constructor(
    readonly path: string,
    private lines: string[],
  ) {}

  static async load(path: string): Promise<KnownHosts> {
    const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    return KnownHosts.parse(path, text);
  }

  /** The file's text as it is (no file read): entries kspray does not understand are kept as they are. */
  static parse(path: string, text: string): KnownHosts {
    return new KnownHosts(path, text.split('\n').filter((l) => l.trim() !== ''));
  }

  /** What save() writes. */
  text(): string {
    return this.lines.join('\n') + '\n';
  }

  lookup(address: string, port: number): HostKey[] {
    const name = knownHostName(address, port);
    const out: HostKey[] = [];
    for (const line of this.lines) {
      if (line.startsWith('#') || line.startsWith('|') || line.startsWith('@')) continue;
      const [hosts, type, key] = line.trim().split(/\s+/);
      if (hosts && type && key && hosts.split(',').includes(name)) out.push({ type, key });
    }
    return out;
  }

  /** Pin a key, replacing whatever was pinned for that address and port. */
  pin(address: string, port: number, k: HostKey): void {
    const name = knownHostName(address, port);
    this.lines = this.lines.filter((l) => !l.split(/\s+/)[0]?.split(',').includes(name));
    this.lines.push(`${name} ${k.type} ${k.key}`);
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.path, this.text(), 0o600);
  }
}

export type KeyCheck = { status: 'match' } | { status: 'unknown' } | { status: 'mismatch'; pinned: HostKey[] };

export function checkKey(kh: KnownHosts, address: string, port: number, offered: HostKey): KeyCheck {
  const pinned = kh.lookup(address, port);
  if (pinned.length === 0) return { status: 'unknown' };
  if (pinned.some((p) => p.key === offered.key)) return { status: 'match' };
  return { status: 'mismatch', pinned };
}
