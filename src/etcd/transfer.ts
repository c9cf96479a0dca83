// Bring a remote file here at constant memory, hashing it (sha256, and the check of an etcd snapshot's own sha256
// trailer: trailer.ts) while it arrives. Two ways:
// - direct (the default for plaintext backups): the system `ssh`, connected while the snapshot is still being taken,
//   writes the file straight into the local partial file and kspray hashes it as it grows, in large reads. No byte
//   passes through a JavaScript stream, which halved kspray's CPU per transferred MiB (docs/benchmarks.md).
// - ssh2 (KSPRAY_TRANSFER=ssh2, and always for age-encrypted backups, whose plaintext must be hashed on its way to
//   `age`): a channel on the session kspray already holds, piped through the hasher to a sink.
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KsprayError } from '../errors.js';
import { start, stderrTail, type RunResult } from '../exec.js';
import type { SshSession, SshTarget } from '../ssh/session.js';
import { optionArgv, sshOptions, targetArgv } from '../ssh/options.js';
import { shellJoin } from '../ssh/quote.js';
import { CHECK_SCRIPT, FETCH_SCRIPT } from './snapshot.js';
import { TrailerHasher, type TrailerResult } from './trailer.js';

export interface Source {
  stdout: Readable;
  done: Promise<{ code: number | null | undefined; stderr: string }>;
  abort(): void;
}

export type TransferMethod = 'direct' | 'ssh2';

export function transferMethod(env: NodeJS.ProcessEnv): TransferMethod {
  return env.KSPRAY_TRANSFER === 'ssh2' ? 'ssh2' : 'direct';
}

/** The remote half of a direct transfer: as root, wait for the file's path on stdin, print the file, check it, remove it (FETCH_SCRIPT). */
export function fetchCommand(sudoPassword: boolean): string {
  return `${sudoPassword ? "sudo -S -p ''" : 'sudo -n'} -- ${shellJoin(['sh', '-c', FETCH_SCRIPT, 'sh', CHECK_SCRIPT])}`;
}

/** PURE: `ssh` argv with kspray's pinned host keys (StrictHostKeyChecking=yes) and no interaction. */
export function opensshArgv(t: SshTarget, knownHostsFile: string, remote: string): string[] {
  const opts = sshOptions({
    knownHostsFile,
    batch: true,
    control: 'off',
    connectTimeoutS: 15,
    // AES-GCM first: CPUs with AES instructions do it several times faster than the default chacha20-poly1305
    ciphers: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr'],
  });
  return ['ssh', ...optionArgv(opts), ...targetArgv(t), t.address, '--', remote];
}

/** The ssh2 way: the file as a stream on a channel of the session kspray holds. */
export async function openSource(s: SshSession, file: string): Promise<Source> {
  const st = await s.stream(['cat', '--', file], { sudo: true });
  return { stdout: st.stdout, done: st.done, abort: () => st.stdout.destroy() };
}

export interface DirectFetch {
  /** name the file to fetch (once: the remote side then prints it, checks it — with its sha256 if asked — and removes it) */
  send(file: string, o: { sha256: boolean }): void;
  /** give up: the remote side gets EOF instead of a file name, the local ssh is stopped */
  abort(): void;
  done: Promise<RunResult>;
}

/**
 * The direct way, started ahead: the system ssh connects (and sudo authenticates) while the snapshot is being taken,
 * then waits for the file's name; its output goes into `fd`, not through kspray.
 */
export async function startDirectFetch(t: SshTarget, o: { knownHostsFile: string; becomePassword?: string; fd: number }): Promise<DirectFetch> {
  const stderr = stderrTail();
  const pw = o.becomePassword;
  const proc = await start(opensshArgv(t, o.knownHostsFile, fetchCommand(pw !== undefined)), {
    stdin: 'pipe',
    stdoutFd: o.fd,
    collect: false,
    onStderr: stderr.onStderr,
  });
  const stdin = proc.stdin!;
  stdin.on('error', () => undefined); // an early exit surfaces through `done`
  if (pw !== undefined) stdin.write(pw + '\n');
  return {
    send: (file, so) => stdin.end(`${file}${so.sha256 ? ' sha256' : ''}\n`),
    abort: () => {
      stdin.end();
      proc.cancel();
    },
    done: stderr.into(proc.done),
  };
}

export type Received = TrailerResult;

/**
 * Buffering between the stages of a transfer. Node's default (16 KiB, half an SSH packet) pauses and resumes the
 * channel on every packet and makes the file sink write packet by packet; a few MiB lets the file stream batch its
 * writes (writev) and keeps the channel's window open, at a constant few MiB of memory.
 */
export const STREAM_BUFFER = 1024 * 1024;

/** Pipe source → sha256 and trailer check → sink. Rejects on any stream error, abort or non-zero remote exit. */
export async function receive(src: Source, sink: Writable, o: { signal?: AbortSignal; onProgress?: (bytes: number) => void }): Promise<Received> {
  const hash = new TrailerHasher();
  let last = 0;
  const hasher = new Transform({
    highWaterMark: STREAM_BUFFER,
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      const bytes = hash.bytes;
      if (o.onProgress && bytes - last >= 16 * 1024 * 1024) {
        last = bytes;
        o.onProgress(bytes);
      }
      cb(null, chunk);
    },
  });
  const onAbort = () => src.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await pipeline([src.stdout, hasher, sink], o.signal ? { signal: o.signal } : {});
  } catch (e) {
    src.abort();
    if (o.signal?.aborted) throw new KsprayError('Interrupted', 'backup interrupted during the transfer');
    throw new KsprayError('BackupFailed', `transfer failed after ${hash.bytes} bytes: ${(e as Error).message}`, { cause: e });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const end = await src.done;
  if (end.code !== 0) throw new KsprayError('BackupFailed', `reading the snapshot on the member failed (exit ${end.code}): ${end.stderr.trim().split('\n').at(-1) ?? ''}`);
  return hash.finish();
}

const READ_CHUNK = 4 * 1024 * 1024;

/**
 * The direct way's hashing: read `path` while the fetch writes it, in large reads as it grows, until the fetch has
 * exited and the end is reached. Rejects when the fetch fails, is interrupted, or the file cannot be read.
 */
export async function receiveDirect(path: string, fetch: DirectFetch, o: { signal?: AbortSignal; onProgress?: (bytes: number) => void }): Promise<Received> {
  const fh = await open(path, 'r');
  const hash = new TrailerHasher();
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let finished = false;
  const ended = fetch.done.finally(() => (finished = true));
  ended.catch(() => undefined); // awaited below
  const onAbort = () => fetch.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let pos = 0;
  let last = 0;
  try {
    for (;;) {
      if (o.signal?.aborted) throw new KsprayError('Interrupted', 'backup interrupted during the transfer');
      const wasFinished = finished;
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) {
        if (wasFinished) break;
        await Promise.race([sleep(10), ended]);
        continue;
      }
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
      if (o.onProgress && pos - last >= 16 * 1024 * 1024) {
        last = pos;
        o.onProgress(pos);
      }
    }
    const end = await fetch.done;
    if (end.exitCode !== 0) throw new KsprayError('BackupFailed', `reading the snapshot on the member failed (ssh exit ${end.exitCode ?? end.signal}): ${end.stderr.trim().split('\n').at(-1) ?? ''}`);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await fh.close();
  }
  return hash.finish();
}
