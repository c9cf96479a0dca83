// The local half of a backup: a private partial file (0600, a dot-name no listing shows) that receives the snapshot,
// is hashed as it arrives, and is fsync'd before the caller gives it its final name. Begun while the snapshot is still
// being taken, so the direct transfer's SSH connection is ready when the snapshot is (transfer.ts).
import { fdatasync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { isKsprayError, KsprayError } from '../errors.js';
import { SubprocessError } from '../exec.js';
import type { SshSession } from '../ssh/session.js';
import { encryptTo } from './age.js';
import { checkSnapshot, parseFetchReport, type MemberCheck } from './snapshot.js';
import { mib } from './status.js';
import * as store from './store.js';
import { openSource, receive, receiveDirect, startDirectFetch, STREAM_BUFFER, transferMethod, type DirectFetch, type Received, type TransferMethod } from './transfer.js';

export interface Stored {
  partial: string;
  sha256: string;
  bytes: number;
  trailerOk: boolean;
  /** age-encrypted: digest and size of the stored (encrypted) file */
  encrypted?: { sha256: string; size: number };
  /** the member's own check of the snapshot, made alongside the transfer */
  check: MemberCheck;
}

export interface Download {
  readonly partial: string;
  readonly method: TransferMethod;
  /** the direct transfer's remote half has removed the member's temp dir itself (it says so once it is done) */
  readonly remoteRemoved: boolean;
  /** bring the snapshot here while the member checks it (with its sha256 if asked); resolves once it is hashed and on disk */
  receive(snap: { file: string; size: number }, o: { sha256: boolean }): Promise<Stored>;
  /** remove the partial file and stop the transfer (safe after success: the partial has been renamed by then) */
  discard(): Promise<void>;
}

/** What a download needs of the operation running it (plain values: etcd/ knows nothing of flows). */
export interface DownloadContext {
  env: NodeJS.ProcessEnv;
  knownHostsFile: string;
  /** age recipients of an encrypted backup */
  recipients?: string[];
  becomePassword?: string;
  signal?: AbortSignal;
  debug(msg: string): void;
}

export async function beginDownload(dc: DownloadContext, s: SshSession, dir: string, name: string): Promise<Download> {
  const recipients = dc.recipients;
  // the plaintext of an encrypted backup is hashed on its way to age, so it has to pass through kspray
  const method: TransferMethod = recipients?.length ? 'ssh2' : transferMethod(dc.env);
  const partial = store.partialPath(dir, name);
  const fh = await open(partial, 'wx', 0o600).catch((e: unknown) => {
    throw store.ioError(e, `cannot write in ${dir}`);
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  let fetch: DirectFetch | undefined;
  let remoteRemoved = false;
  const discard = async () => {
    fetch?.abort();
    await close().catch(() => undefined);
    await rm(partial, { force: true });
  };
  try {
    if (method === 'direct')
      fetch = await startDirectFetch(s.target, { knownHostsFile: dc.knownHostsFile, fd: fh.fd, ...(dc.becomePassword !== undefined ? { becomePassword: dc.becomePassword } : {}) });
  } catch (e) {
    await discard();
    throw e;
  }
  const asIoError = (e: unknown) => {
    if (e instanceof SubprocessError && e.kind === 'spawn-failed')
      return new KsprayError('BackupFailed', 'the system ssh could not be started for the transfer', { hint: 'install the OpenSSH client, or set KSPRAY_TRANSFER=ssh2 to transfer over kspray\'s own SSH connection' });
    return isKsprayError(e) ? e : store.ioError(e, `cannot write ${partial}`);
  };

  const receiveSnapshot = async (snap: { file: string; size: number }, co: { sha256: boolean }): Promise<Stored> => {
    const flush = flushBehind(fh.fd, () => closed);
    const o = {
      ...(dc.signal ? { signal: dc.signal } : {}),
      onProgress: (b: number) => {
        dc.debug(`received ${mib(b)} of ${mib(snap.size)}`);
        flush(b);
      },
    };
    let got: Received;
    let encrypted: Stored['encrypted'];
    let check: MemberCheck;
    if (fetch) {
      fetch.send(snap.file, co);
      got = await receiveDirect(partial, fetch, o).catch((e: unknown) => {
        throw asIoError(e);
      });
      const report = parseFetchReport(s.target.name, (await fetch.done).stderr, co);
      ({ check } = report);
      remoteRemoved = report.removed;
    } else {
      // the member-side check reads the file from its page cache; running it alongside the transfer saves a pass
      const checking = checkSnapshot(s, snap.file, co);
      checking.catch(() => undefined); // awaited below
      // writes through our handle (batched by writev), which stays ours for the fsync below; a FileHandle write
      // stream would hold the handle until it closes it
      const file = new Writable({
        highWaterMark: STREAM_BUFFER,
        write: (chunk: Buffer, _e, cb) => void fh.write(chunk).then(() => cb(), cb),
        writev: (chunks, cb) => void fh.writev(chunks.map((c) => c.chunk as Buffer)).then(() => cb(), cb),
      });
      const enc = recipients?.length ? await encryptTo(recipients, file) : undefined;
      enc?.done.catch(() => undefined); // awaited below; a failed transfer must not leave it unhandled
      got = await receive(await openSource(s, snap.file), enc ? enc.input : file, o).catch((e: unknown) => {
        file.destroy();
        throw asIoError(e);
      });
      encrypted = enc ? await enc.done.catch((e: unknown) => {
        throw asIoError(e);
      }) : undefined;
      check = await checking;
    }
    // on disk before it takes its final name
    try {
      await fh.sync();
      await close();
    } catch (e) {
      throw store.ioError(e, `cannot write ${partial}`);
    }
    return { partial, sha256: got.sha256, bytes: got.bytes, trailerOk: got.trailerOk, ...(encrypted ? { encrypted } : {}), check };
  };
  return {
    partial,
    method,
    get remoteRemoved() {
      return remoteRemoved;
    },
    receive: receiveSnapshot,
    discard,
  };
}

/**
 * fdatasync the partial file every 64 MiB while it is still arriving, one at a time, so that the fsync before it takes
 * its final name has little left to write (at the end it took ~0.5 s for 350 MiB in the lab). Errors are left to that
 * final fsync, which reports them.
 */
function flushBehind(fd: number, isClosed: () => boolean): (bytes: number) => void {
  let busy = false;
  let last = 0;
  return (bytes) => {
    if (busy || bytes - last < 64 * 1024 * 1024 || isClosed()) return;
    busy = true;
    last = bytes;
    fdatasync(fd, () => {
      busy = false;
    });
  };
}
