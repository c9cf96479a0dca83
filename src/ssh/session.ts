// One verified SSH session to one host (node-ssh/ssh2): the host key must match kspray's pin, or nothing is sent.
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { KsprayError } from '../errors.js';
import { checkKey, fingerprint, hostKeyFromWire, type HostKey, type KnownHosts } from './known-hosts.js';
import { shellJoin } from './quote.js';

export interface SshTarget {
  name: string;
  address: string;
  port: number;
  user?: string;
  keyFile?: string;
  bastion?: { address: string; port: number; user?: string };
}

export interface SessionOptions {
  knownHosts: KnownHosts;
  timeoutMs?: number;
  /** sudo password; passwordless sudo (-n) when unset */
  becomePassword?: string;
  /** accept and report an unpinned key instead of failing (used by `hosts trust`) */
  onUnknownKey?: (key: HostKey) => boolean;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const localUser = () => process.env.USER ?? process.env.LOGNAME ?? 'root';

async function privateKey(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  try {
    return await readFile(path.startsWith('~/') ? `${process.env.HOME}/${path.slice(2)}` : path, 'utf8');
  } catch (e) {
    throw new KsprayError('PreflightFailed', `cannot read SSH key ${path}: ${(e as NodeJS.ErrnoException).code}`, { hint: 'check spec.ssh.keyFile' });
  }
}

function verifier(label: string, address: string, port: number, opts: SessionOptions, fail: (e: KsprayError) => void) {
  return (raw: Buffer) => {
    const offered = hostKeyFromWire(raw);
    const check = checkKey(opts.knownHosts, address, port, offered);
    if (check.status === 'match') return true;
    if (check.status === 'unknown') {
      if (opts.onUnknownKey?.(offered)) return true;
      fail(
        new KsprayError('HostKeyUnknown', `${label} (${address}:${port}) offers host key ${fingerprint(offered)}, which is not pinned`, {
          hint: 'check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and pin it with `kspray hosts trust`',
        }),
      );
      return false;
    }
    fail(
      new KsprayError('HostKeyMismatch', `${label} (${address}:${port}) offers host key ${fingerprint(offered)}, but ${check.pinned.map(fingerprint).join(', ')} is pinned — possible man-in-the-middle, or the host was reinstalled`, {
        hint: `if the host was reinstalled, verify the new key and run \`kspray hosts trust ${label} --replace\``,
      }),
    );
    return false;
  };
}

export class SshSession {
  private constructor(
    readonly target: SshTarget,
    private readonly ssh: NodeSSH,
    private readonly jump: NodeSSH | undefined,
    private readonly becomePassword: string | undefined,
  ) {}

  static async open(t: SshTarget, opts: SessionOptions): Promise<SshSession> {
    let keyError: KsprayError | undefined;
    const key = await privateKey(t.keyFile);
    const auth = { ...(key ? { privateKey: key } : {}), ...(process.env.SSH_AUTH_SOCK ? { agent: process.env.SSH_AUTH_SOCK } : {}) };
    const timeout = opts.timeoutMs ?? 10_000;
    let jump: NodeSSH | undefined;
    const ssh = new NodeSSH();
    try {
      let sock: Readable | undefined;
      if (t.bastion) {
        jump = new NodeSSH();
        await jump.connect({
          host: t.bastion.address,
          port: t.bastion.port,
          username: t.bastion.user ?? t.user ?? localUser(),
          readyTimeout: timeout,
          ...auth,
          hostVerifier: verifier('bastion', t.bastion.address, t.bastion.port, opts, (e) => (keyError = e)),
        });
        sock = await new Promise<ClientChannel>((res, rej) =>
          jump!.connection!.forwardOut('127.0.0.1', 0, t.address, t.port, (err, ch) => (err ? rej(err) : res(ch))),
        );
      }
      await ssh.connect({
        host: t.address,
        port: t.port,
        username: t.user ?? localUser(),
        readyTimeout: timeout,
        ...auth,
        ...(sock ? { sock } : {}),
        hostVerifier: verifier(t.name, t.address, t.port, opts, (e) => (keyError = e)),
      });
    } catch (e) {
      jump?.dispose();
      ssh.dispose();
      if (keyError) throw keyError;
      const msg = (e as Error).message;
      const code = /authentication/i.test(msg) ? 'PreflightFailed' : 'HostsUnreachable';
      throw new KsprayError(code, `${t.name} (${t.address}:${t.port}): ${/authentication/i.test(msg) ? 'SSH login refused' : 'unreachable'}: ${msg}`, {
        cause: e,
        hint: code === 'PreflightFailed' ? 'check spec.ssh.user and spec.ssh.keyFile (or your ssh-agent)' : 'is the host up and the address/port right?',
      });
    }
    return new SshSession(t, ssh, jump, opts.becomePassword);
  }

  private wrap(argv: readonly string[], sudo: boolean): { command: string; prefix: string } {
    const cmd = shellJoin(argv);
    if (!sudo) return { command: cmd, prefix: '' };
    if (this.becomePassword === undefined) return { command: `sudo -n -- sh -c ${shellJoin([cmd])}`, prefix: '' };
    // the password goes through the channel's stdin, never argv or the environment
    return { command: `sudo -S -p '' -- sh -c ${shellJoin([cmd])}`, prefix: this.becomePassword + '\n' };
  }

  async exec(argv: readonly string[], o: { sudo?: boolean; input?: string } = {}): Promise<ExecResult> {
    const { command, prefix } = this.wrap(argv, Boolean(o.sudo));
    const stdin = prefix || o.input !== undefined ? prefix + (o.input ?? '') : undefined;
    const r = await this.ssh.execCommand(command, { ...(stdin !== undefined ? { stdin } : {}), noTrim: true });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  /** Start a command and hand back its raw stdout stream (for large transfers at constant memory). */
  async stream(argv: readonly string[], o: { sudo?: boolean } = {}): Promise<{ stdout: Readable; done: Promise<{ code: number | null; stderr: string }> }> {
    const { command, prefix } = this.wrap(argv, Boolean(o.sudo));
    const ch = await new Promise<ClientChannel>((res, rej) => this.ssh.connection!.exec(command, (err, c) => (err ? rej(err) : res(c))));
    if (prefix) ch.write(prefix);
    ch.end();
    let stderr = '';
    ch.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<{ code: number | null; stderr: string }>((res) => ch.on('exit', (code: number | null) => ch.on('close', () => res({ code, stderr }))));
    return { stdout: ch, done };
  }

  /** A TCP channel from this host to another (this session acting as the jump host). */
  forward(address: string, port: number): Promise<ClientChannel> {
    return new Promise<ClientChannel>((res, rej) => this.ssh.connection!.forwardOut('127.0.0.1', 0, address, port, (err, ch) => (err ? rej(err) : res(ch))));
  }

  close(): void {
    this.ssh.dispose();
    this.jump?.dispose();
  }
}
