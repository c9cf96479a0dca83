// Stream a remote file to a local sink at constant memory, hashing (sha256) while it streams.
// Two ways to read the remote file: a channel on the ssh2 session kspray already holds (the default: no second
// handshake, measured faster — docs/benchmarks.md "etcd backup"), or the system `ssh` through src/exec.ts
// (KSPRAY_TRANSFER=openssh).
import { createHash } from 'node:crypto';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KsprayError } from '../errors.js';
import { startStream } from '../exec.js';
import type { SshSession, SshTarget } from '../ssh/session.js';
import { shellJoin } from '../ssh/quote.js';

export interface Source {
  stdout: Readable;
  done: Promise<{ code: number | null | undefined; stderr: string }>;
  abort(): void;
}

export type TransferMethod = 'openssh' | 'ssh2';

export function transferMethod(env: NodeJS.ProcessEnv): TransferMethod {
  return env.KSPRAY_TRANSFER === 'openssh' ? 'openssh' : 'ssh2';
}

/** The remote command that prints the file: sudo cat, with the sudo password (if any) read from stdin. */
export function catCommand(file: string, sudoPassword: boolean): string {
  return sudoPassword ? `sudo -S -p '' -- cat -- ${shellJoin([file])}` : `sudo -n -- cat -- ${shellJoin([file])}`;
}

/** PURE: `ssh` argv with kspray's pinned host keys (StrictHostKeyChecking=yes) and no interaction. */
export function opensshArgv(t: SshTarget, knownHostsFile: string, remote: string): string[] {
  return [
    'ssh',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=15',
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
    '-p', String(t.port),
    ...(t.user ? ['-l', t.user] : []),
    ...(t.keyFile ? ['-i', t.keyFile, '-o', 'IdentitiesOnly=yes'] : []),
    ...(t.bastion ? ['-J', `${t.bastion.user ? `${t.bastion.user}@` : ''}${t.bastion.address}:${t.bastion.port}`] : []),
    t.address,
    '--',
    remote,
  ];
}

export async function openSource(method: TransferMethod, s: SshSession, file: string, o: { knownHostsFile: string; becomePassword?: string }): Promise<Source> {
  if (method === 'ssh2') {
    const st = await s.stream(['cat', '--', file], { sudo: true });
    return { stdout: st.stdout, done: st.done, abort: () => st.stdout.destroy() };
  }
  const pw = o.becomePassword;
  const p = startStream(opensshArgv(s.target, o.knownHostsFile, catCommand(file, pw !== undefined)), pw !== undefined ? { input: pw + '\n' } : {});
  return { stdout: p.stdout, done: p.done.then((r) => ({ code: r.exitCode, stderr: r.stderr })), abort: p.kill };
}

/**
 * TEST HOOK — honoured only when KSPRAY_TEST_CORRUPT_TRANSFER is set (integration tests inject a damaged transfer):
 * `flip` inverts one byte in the middle, `truncate` drops the last 4 KiB. Never set in normal use.
 */
export function testCorruption(env: NodeJS.ProcessEnv, size: number): Transform | undefined {
  const mode = env.KSPRAY_TEST_CORRUPT_TRANSFER;
  if (mode !== 'flip' && mode !== 'truncate') return undefined;
  let seen = 0;
  const target = Math.floor(size / 2);
  const cut = Math.max(0, size - 4096);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const start = seen;
      seen += chunk.length;
      if (mode === 'flip' && target >= start && target < seen) {
        const c = Buffer.from(chunk);
        c[target - start] = c[target - start]! ^ 0xff;
        return cb(null, c);
      }
      if (mode === 'truncate') return cb(null, start >= cut ? undefined : chunk.subarray(0, Math.max(0, Math.min(chunk.length, cut - start))));
      cb(null, chunk);
    },
  });
}

export interface Received {
  sha256: string;
  bytes: number;
}

/** Pipe source → (test hook) → sha256 → sink. Rejects on any stream error, abort or non-zero remote exit. */
export async function receive(src: Source, sink: Writable, o: { size: number; env: NodeJS.ProcessEnv; signal?: AbortSignal; onProgress?: (bytes: number) => void }): Promise<Received> {
  const hash = createHash('sha256');
  let bytes = 0;
  let last = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      if (o.onProgress && bytes - last >= 16 * 1024 * 1024) {
        last = bytes;
        o.onProgress(bytes);
      }
      cb(null, chunk);
    },
  });
  const hook = testCorruption(o.env, o.size);
  const onAbort = () => src.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await pipeline([src.stdout, ...(hook ? [hook] : []), hasher, sink], o.signal ? { signal: o.signal } : {});
  } catch (e) {
    src.abort();
    if (o.signal?.aborted) throw new KsprayError('Interrupted', 'backup interrupted during the transfer');
    throw new KsprayError('BackupFailed', `transfer failed after ${bytes} bytes: ${(e as Error).message}`, { cause: e });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const end = await src.done;
  if (end.code !== 0) throw new KsprayError('BackupFailed', `reading the snapshot on the member failed (exit ${end.code}): ${end.stderr.trim().split('\n').at(-1) ?? ''}`);
  return { sha256: hash.digest('hex'), bytes };
}
