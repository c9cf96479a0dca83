// The remote side of a backup: `etcdctl snapshot save` into a private temp dir on one member, check it there
// (`snapshot status`; sha256 only for a snapshot without etcd's own sha256 trailer, see trailer.ts), and always remove
// it. The direct transfer's remote half (FETCH_SCRIPT) does the check and the removal itself. Parsing is pure; the rest
// runs over SSH.
import { KsprayError } from '../errors.js';
import type { SshSession } from '../ssh/session.js';
import { ETCD_ENV } from './status.js';

/** Remote temp dirs live here: root-owned and not world-writable (no /tmp races), and kubespray's own cleanup ignores them. */
export const REMOTE_PARENT = '/var/backups';
export const REMOTE_PREFIX = 'kspray-snapshot.';
const REMOTE_DIR_RE = /^\/var\/backups\/kspray-snapshot\.[A-Za-z0-9]{6,}$/;

export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

export interface RemoteSnapshot {
  dir: string;
  file: string;
  size: number;
  sha256: string;
  status: SnapshotStatus;
}

/** etcdutl where it exists (etcd ≥ 3.5; etcdctl's `snapshot status` is gone in 3.6), else etcdctl. */
export const STATUS_CMD = 'U=$(dirname "$E")/etcdutl; if [ -x "$U" ]; then "$U" snapshot status "$F" -w json; else "$E" snapshot status "$F" -w json; fi';

/**
 * Run as root on the member. The temp dir is made by mktemp (0700) and removes itself if any step fails;
 * after success the caller streams the file and removes the dir (removeRemote).
 */
export const SNAPSHOT_SCRIPT = [
  'set -eu',
  ...ETCD_ENV,
  'umask 077',
  `mkdir -p ${REMOTE_PARENT}`,
  // leftovers of runs that were killed outright (a day old: never a backup in progress)
  `find ${REMOTE_PARENT} -maxdepth 1 -name '${REMOTE_PREFIX}*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true`,
  `D=$(mktemp -d ${REMOTE_PARENT}/${REMOTE_PREFIX}XXXXXX)`,
  `trap 'rc=$?; [ $rc -eq 0 ] || rm -rf "$D"; exit $rc' EXIT`,
  'echo "@@dir $D"',
  'F="$D/snapshot.db"',
  '"$E" snapshot save "$F" --command-timeout=600s >&2',
  'chmod 0600 "$F"',
  'echo "@@size $(stat -c %s "$F")"',
].join('\n');

/**
 * Checks the snapshot on the member (`sh -c CHECK_SCRIPT sh FILE [sha256]`): its structure, and with `sha256` its
 * digest, with openssl where it exists (the CPU's SHA instructions: ~7× faster than coreutils sha256sum in the lab).
 */
export const CHECK_SCRIPT = [
  'set -eu',
  ...ETCD_ENV,
  'F=$1',
  'echo "@@status"',
  STATUS_CMD,
  'echo',
  'if [ "${2:-}" = sha256 ]; then',
  '  if command -v openssl >/dev/null 2>&1; then S=$(openssl dgst -sha256 -r "$F"); else S=$(sha256sum "$F"); fi',
  '  echo "@@sha256 ${S%% *}"',
  'fi',
  'echo "@@end"',
].join('\n');

/**
 * The direct transfer's remote half, as root (`sh -c FETCH_SCRIPT sh CHECK_SCRIPT`): wait for `FILE [sha256]` on stdin,
 * print the file on stdout while CHECK_SCRIPT checks it alongside, then report the check on stderr and remove the temp
 * dir: by the time ssh exits, the member holds no copy, with no further round trip. The path must be a snapshot in
 * one of our temp dirs. EOF instead of a name (the backup was abandoned) exits quietly.
 */
export const FETCH_SCRIPT = [
  'read -r F A || exit 0',
  'D=${F%/*}',
  `case "$D" in *..*|${REMOTE_PARENT}/${REMOTE_PREFIX}*/*) exit 2 ;; ${REMOTE_PARENT}/${REMOTE_PREFIX}?*) ;; *) exit 2 ;; esac`,
  '[ "$F" = "$D/snapshot.db" ] || exit 2',
  `trap 'rm -rf -- "$D" && echo "@@removed" >&2' EXIT`,
  'sh -c "$1" sh "$F" $A >"$D/check.out" 2>"$D/check.err" & C=$!',
  'R=0; cat -- "$F" || R=$?',
  'wait $C || true',
  `cat "$D/check.out" >&2; sed 's/^/@@err /' "$D/check.err" >&2`,
  'exit $R',
].join('\n');

export function parseSnapshotStatus(text: string): SnapshotStatus | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    const j = JSON.parse(text.slice(start, text.indexOf('}', start) + 1)) as Partial<SnapshotStatus>;
    if (typeof j.revision !== 'number' || typeof j.totalKey !== 'number') return undefined;
    return { hash: Number(j.hash ?? 0), revision: j.revision, totalKey: j.totalKey, totalSize: Number(j.totalSize ?? 0) };
  } catch {
    return undefined;
  }
}

export function parseSnapshotOutput(stdout: string): Partial<RemoteSnapshot> {
  const dir = /@@dir (\S+)/.exec(stdout)?.[1];
  const size = /@@size (\d+)/.exec(stdout)?.[1];
  const sha = /@@sha256 ([0-9a-f]{64})/.exec(stdout)?.[1];
  const statusText = /@@status\n([\s\S]*?)\n@@(?:sha256|end)/.exec(stdout)?.[1];
  const status = statusText ? parseSnapshotStatus(statusText) : undefined;
  return {
    ...(dir && REMOTE_DIR_RE.test(dir) ? { dir, file: `${dir}/snapshot.db` } : {}),
    ...(size ? { size: Number(size) } : {}),
    ...(sha ? { sha256: sha } : {}),
    ...(status ? { status } : {}),
  };
}

const tail = (s: string) => s.trim().split('\n').slice(-3).join(' | ');

/** `snapshot save` into a private temp dir on the member; the file is checked by checkSnapshot. */
export async function takeSnapshot(s: SshSession): Promise<{ dir: string; file: string; size: number }> {
  const r = await s.exec(['sh', '-c', SNAPSHOT_SCRIPT], { sudo: true });
  const p = parseSnapshotOutput(r.stdout);
  if (r.code !== 0 || !p.dir || p.size === undefined) {
    // the script removed its temp dir itself; remove it again in case it was killed half-way
    if (p.dir) await removeRemote(s, p.dir).catch(() => undefined);
    throw new KsprayError('BackupFailed', `${s.target.name}: etcdctl snapshot save failed: ${tail(r.stderr) || `exit ${r.code}`}`, {
      hint: 'check etcd on that member (`journalctl -u etcd`) and free space in /var/backups',
    });
  }
  return { dir: p.dir, file: p.file!, size: p.size };
}

export interface MemberCheck {
  status: SnapshotStatus;
  sha256?: string;
}

/** `snapshot status` of the snapshot on the member, and its sha256 when asked. */
export async function checkSnapshot(s: SshSession, file: string, o: { sha256: boolean }): Promise<MemberCheck> {
  const r = await s.exec(['sh', '-c', CHECK_SCRIPT, 'sh', file, ...(o.sha256 ? ['sha256'] : [])], { sudo: true });
  return memberCheck(s.target.name, r.stdout, r.code === 0 ? '' : tail(r.stderr) || `exit ${r.code}`, o);
}

/** PURE: FETCH_SCRIPT's report on stderr (among ssh's own lines): the member's check, and whether the temp dir is gone. */
export function parseFetchReport(host: string, stderr: string, o: { sha256: boolean }): { check: MemberCheck; removed: boolean } {
  const err = [...stderr.matchAll(/^@@err (.*)$/gm)].map((m) => m[1]).join('\n');
  return { check: memberCheck(host, stderr, tail(err), o), removed: /^@@removed$/m.test(stderr) };
}

/** PURE: CHECK_SCRIPT's output as a result, or the error saying why the snapshot is not good. */
function memberCheck(host: string, out: string, failure: string, o: { sha256: boolean }): MemberCheck {
  const p = parseSnapshotOutput(out);
  if (!p.status || (o.sha256 && !p.sha256) || !/@@end/.test(out)) {
    const said = (out.split('@@status')[1]?.split('@@end')[0] ?? '').split('\n').filter((l) => !l.startsWith('@@')).join('\n');
    throw new KsprayError('BackupFailed', `${host}: the snapshot does not pass \`snapshot status\`: ${tail(said) || failure || 'no report'}`);
  }
  return { status: p.status, ...(p.sha256 ? { sha256: p.sha256 } : {}) };
}

/** Remove a temp dir this module created — and nothing else. */
export async function removeRemote(s: SshSession, dir: string): Promise<void> {
  if (!REMOTE_DIR_RE.test(dir)) throw new KsprayError('Internal', `refusing to remove ${dir}: not a kspray snapshot dir`);
  const r = await s.exec(['rm', '-rf', '--', dir], { sudo: true });
  if (r.code !== 0) throw new KsprayError('BackupFailed', `${s.target.name}: could not remove ${dir}: ${tail(r.stderr)}`);
}
