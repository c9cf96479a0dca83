// kspray etcd-backup verify: the stored file against its metadata (sha256 of the plaintext, and of the encrypted
// file for age backups), then the snapshot's structure with a local etcdutl/etcdctl (`snapshot status`).
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { KsprayError } from '../errors.js';
import { run, SubprocessError } from '../exec.js';
import { decryptSource } from './age.js';
import { parseSnapshotStatus, type SnapshotStatus } from './snapshot.js';
import { readMeta, type BackupMeta } from './store.js';
import { hasTrailer } from './trailer.js';
import { receive, type Source } from './transfer.js';

export interface VerifyResult {
  file: string;
  /** with keepPlainIn: the checked plaintext snapshot (the file itself, or its decrypted copy there) */
  plain?: string;
  meta?: BackupMeta;
  ok: boolean;
  checks: { name: string; ok: boolean | null; detail: string }[];
}

const fileSource = (file: string): Source => {
  const stdout = createReadStream(file);
  return { stdout, done: new Promise((res) => stdout.on('close', () => res({ code: 0, stderr: '' }))), abort: () => stdout.destroy() };
};
const discard = () => new Writable({ write: (_c, _e, cb) => cb() });

/** `snapshot status -w json` with etcdutl, or etcdctl (API 3); undefined when neither is installed here. */
export async function localSnapshotStatus(file: string): Promise<{ tool: string; status?: SnapshotStatus; error?: string } | undefined> {
  for (const tool of ['etcdutl', 'etcdctl']) {
    try {
      const r = await run([tool, 'snapshot', 'status', file, '-w', 'json'], { env: { ETCDCTL_API: '3' }, timeoutMs: 300_000 });
      const status = r.exitCode === 0 ? parseSnapshotStatus(r.stdout) : undefined;
      return status ? { tool, status } : { tool, error: (r.stderr || r.stdout).trim().split('\n').at(-1) ?? `exit ${r.exitCode}` };
    } catch (e) {
      if (!(e instanceof SubprocessError && e.kind === 'spawn-failed')) throw e;
    }
  }
  return undefined;
}

export async function verifyBackup(file: string, o: { identity?: string; env: NodeJS.ProcessEnv; keepPlainIn?: string }): Promise<VerifyResult> {
  const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new KsprayError('BadArgument', `cannot read ${file}: ${e.code}`);
  });
  await fh.close();
  const meta = await readMeta(file);
  const checks: VerifyResult['checks'] = [];
  const encrypted = Boolean(meta?.encryption) || file.endsWith('.age');
  if (!meta) checks.push({ name: 'metadata', ok: false, detail: 'no metadata next to the file: the digest cannot be compared' });
  const digest = async (src: Source, expected: string | undefined, size: number | undefined, name: string, sink: Writable = discard(), snapshot = true) => {
    const got = await receive(src, sink, {}).catch((e: Error) => e);
    if (got instanceof Error) return void checks.push({ name, ok: false, detail: got.message.replace('reading the snapshot on the member failed', 'reading failed') });
    const ok = expected === undefined ? null : got.sha256 === expected && (size === undefined || got.bytes === size);
    checks.push({ name, ok, detail: `sha256 ${got.sha256}, ${got.bytes} bytes${ok === false ? `; metadata says ${expected} (${size} bytes)` : ''}` });
    // etcd's own digest: checkable even without metadata
    if (snapshot && hasTrailer(got.bytes)) checks.push({ name: 'snapshot sha256 trailer', ok: got.trailerOk, detail: got.trailerOk ? 'the last 32 bytes are the sha256 of the rest, as etcd wrote them' : 'the last 32 bytes are not the sha256 of the rest: the file is damaged' });
  };
  let plain = file;
  let tmp: string | undefined;
  try {
    if (encrypted) {
      await digest(fileSource(file), meta?.encryption?.storedSha256, meta?.encryption?.storedSize, 'stored (encrypted) file digest', discard(), false);
      if (o.identity) {
        tmp = o.keepPlainIn ?? (await mkdtemp(join(tmpdir(), 'kspray-verify-')));
        plain = join(tmp, 'snapshot.db');
        const out = await open(plain, 'wx', 0o600);
        try {
          await digest(await decryptSource(file, o.identity), meta?.sha256, meta?.size, 'decrypted snapshot digest', out.createWriteStream());
        } finally {
          await out.close().catch(() => undefined);
        }
      } else checks.push({ name: 'decrypted snapshot digest', ok: null, detail: 'not checked: the file is age-encrypted; pass --identity FILE' });
    } else await digest(fileSource(file), meta?.sha256, meta?.size, 'snapshot digest');
    if (!encrypted || o.identity) {
      const st = await localSnapshotStatus(plain);
      if (!st) checks.push({ name: 'snapshot structure', ok: null, detail: 'not checked: neither etcdutl nor etcdctl is installed here' });
      else if (!st.status) checks.push({ name: 'snapshot structure', ok: false, detail: `${st.tool} snapshot status: ${st.error}` });
      else {
        const s = st.status;
        const same = !meta || (s.revision === meta.revision && s.totalKey === meta.totalKey && s.hash === meta.snapshotHash);
        checks.push({ name: 'snapshot structure', ok: same, detail: `${st.tool}: revision ${s.revision}, ${s.totalKey} keys, hash ${s.hash}${same ? '' : ` (metadata: revision ${meta!.revision}, ${meta!.totalKey} keys, hash ${meta!.snapshotHash})`}` });
      }
    }
  } finally {
    if (tmp && !o.keepPlainIn) await rm(tmp, { recursive: true, force: true });
  }
  return { file, ...(o.keepPlainIn && (!encrypted || o.identity) ? { plain } : {}), ...(meta ? { meta } : {}), ok: checks.every((c) => c.ok !== false) && checks.some((c) => c.ok === true), checks };
}
