// The local backup store: DIR/<cluster>/<time>-<member>.db[.age] (0600, dir 0700) next to <same>.json metadata.
// A snapshot takes its final name only after it was verified; partial files are dot-files no listing shows.
// Naming and retention are pure; the rest is small fs helpers.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KsprayError } from '../errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';

export interface BackupMeta {
  format: 'kspray-etcd-backup/v1';
  cluster: string;
  member: string;
  /** the member's etcd member name (etcd1…) */
  memberName?: string;
  etcdVersion?: string;
  kubernetesVersion?: string;
  revision: number;
  totalKey: number;
  /** etcd's own hash from `snapshot status` */
  snapshotHash: number;
  /** plaintext snapshot size and sha256 (also for encrypted files) */
  size: number;
  sha256: string;
  /** how the transfer was verified: the snapshot's own sha256 trailer (computed by etcd while it streamed the
   *  snapshot: end to end), or a sha256 taken on the member (snapshots without a trailer) */
  transferCheck?: 'trailer' | 'member-sha256';
  /** set when the stored file is age-encrypted: the recipients and the digest of the stored (encrypted) file */
  encryption?: { tool: 'age'; recipients: string[]; storedSha256: string; storedSize: number };
  /** taken from a member without quorum (--allow-degraded): may miss the last writes */
  degraded: boolean;
  time: string;
  verifiedAt: string;
}

export interface StoredBackup {
  file: string;
  name: string;
  size: number;
  mtimeMs: number;
  meta?: BackupMeta;
}

/** 2026-11-24T15:04:05.123Z → 20261124T150405Z (sorts by time, no colons) */
export const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

const SAFE = /[^A-Za-z0-9_.-]/g;
export function backupName(time: Date, member: string, encrypted: boolean): string {
  return `${stamp(time)}-${member.replace(SAFE, '_')}.db${encrypted ? '.age' : ''}`;
}
export const metaPathFor = (file: string) => file.replace(/\.db(\.age)?$/, '.json');
export const isBackupName = (n: string) => /^\d{8}T\d{6}Z-[A-Za-z0-9_.-]+\.db(\.age)?$/.test(n);

export const clusterDir = (root: string, cluster: string) => join(root, cluster.replace(SAFE, '_'));

/** The cluster's backup dir, 0700 (created, or tightened if it exists). Errors say what to fix. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  } catch (e) {
    // a recursive mkdir reports ENOENT on a read-only parent; the plain one tells the real reason
    const real = await mkdir(dir, { mode: 0o700 }).then(() => e, (e2: unknown) => e2);
    throw ioError(real, `cannot use backup directory ${dir}`);
  }
}

export function ioError(e: unknown, what: string): KsprayError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const why: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a path component is not a directory',
  };
  const hint = code === 'ENOSPC' || code === 'EDQUOT' ? 'free space there, lower spec.etcd.backup.keep, or pass --out DIR on a larger disk' : 'pass --out DIR (a directory you can write) or fix spec.etcd.backup.dir';
  return new KsprayError('BackupFailed', `${what}: ${why[code] ?? (e as Error).message}`, { cause: e, hint });
}

/** A private partial file next to the final name (same dir: the rename is atomic). */
export const partialPath = (dir: string, name: string) => join(dir, `.${name}.partial-${randomBytes(4).toString('hex')}`);

/** Metadata first, then the data file takes its final name: a final name always means "complete and verified". */
export async function commit(partial: string, final: string, meta: BackupMeta): Promise<void> {
  try {
    await writeFileAtomic(metaPathFor(final), JSON.stringify(meta, null, 2) + '\n', 0o600);
    await chmod(partial, 0o600);
    await rename(partial, final);
  } catch (e) {
    await rm(metaPathFor(final), { force: true });
    throw ioError(e, `cannot store ${final}`);
  }
}

export async function listBackups(dir: string): Promise<StoredBackup[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError(e, `cannot read ${dir}`);
  }
  const out: StoredBackup[] = [];
  for (const name of names.filter(isBackupName)) {
    const file = join(dir, name);
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) continue;
    const meta = await readMeta(file);
    out.push({ file, name, size: st.size, mtimeMs: st.mtimeMs, ...(meta ? { meta } : {}) });
  }
  return out.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

export async function readMeta(file: string): Promise<BackupMeta | undefined> {
  try {
    const m = JSON.parse(await readFile(metaPathFor(file), 'utf8')) as BackupMeta;
    return m.format === 'kspray-etcd-backup/v1' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Does the file still look like what was stored (size)? The full check is `verify`. */
export function storedState(b: StoredBackup): 'ok' | 'no-metadata' | 'size-mismatch' {
  if (!b.meta) return 'no-metadata';
  return b.size === (b.meta.encryption?.storedSize ?? b.meta.size) ? 'ok' : 'size-mismatch';
}

export interface RetentionPolicy {
  keep: number;
  maxAgeDays?: number;
}

/**
 * PURE: which backups to delete. Newest first by name (= time); keeps the newest `keep`, drops those older than
 * maxAgeDays, and never deletes `protect` (the backup just taken) nor the newest one.
 */
export function planRetention(backups: Pick<StoredBackup, 'file' | 'name'>[], p: RetentionPolicy, now: Date, protect?: string): string[] {
  const sorted = [...backups].sort((a, b) => (a.name < b.name ? 1 : -1));
  const cutoff = p.maxAgeDays === undefined ? undefined : stamp(new Date(now.getTime() - p.maxAgeDays * 86_400_000));
  return sorted
    .filter((b, i) => i > 0 && b.file !== protect && (i >= p.keep || (cutoff !== undefined && b.name.slice(0, 16) < cutoff)))
    .map((b) => b.file);
}

export async function removeBackup(file: string): Promise<void> {
  await rm(file, { force: true });
  await rm(metaPathFor(file), { force: true });
}

/** Partial files of runs that were killed outright (an hour old: never a transfer in progress). */
export async function removeStalePartials(dir: string, now: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names.filter((x) => /^\..+\.partial-[0-9a-f]{8}$/.test(x))) {
    const st = await stat(join(dir, n)).catch(() => undefined);
    if (st && now - st.mtimeMs > 3_600_000) await rm(join(dir, n), { force: true });
  }
}
