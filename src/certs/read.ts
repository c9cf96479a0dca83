// Reading certificates: on the cluster's hosts over the operation's SSH pool (one command per host, all hosts at
// once), and from files on this machine. Per-host failures are results, never a throw: the other hosts still count.
import { readFile } from 'node:fs/promises';
import type { NodeHost } from '../config/model.js';
import { isKsprayError } from '../errors.js';
import type { SshPool } from '../ssh/pool.js';
import { inspectText, type CertInfo, type FileProblem } from './inspect.js';
import { certFiles, parseRead, readScript } from './remote.js';

export interface HostDown {
  host: string;
  error: string;
  /** SSH could not reach it (rather than: reached, but the read failed) */
  unreachable: boolean;
}

export interface CertsRead {
  certs: CertInfo[];
  problems: FileProblem[];
  down: HostDown[];
  /** files read, per host */
  files: Record<string, string[]>;
}

export const emptyRead = (): CertsRead => ({ certs: [], problems: [], down: [], files: {} });

/** Every host's certificates, one remote command (with sudo) per host; `keep` leaves the sessions open in the pool. */
export async function readHostsCerts(pool: SshPool, hosts: NodeHost[], o: { now?: Date; keep?: boolean } = {}): Promise<CertsRead> {
  const now = o.now ?? new Date();
  const settled = await pool.forEachHost(
    hosts,
    async (s, h) => {
      const r = await s.exec(['sh', '-c', readScript(certFiles(h))], { sudo: true });
      if (r.code !== 0) throw new Error(`${h.name}: reading the certificates failed (exit ${r.code}): ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
      return parseRead(r.stdout, h.name, now);
    },
    o.keep ? { keep: true } : {},
  );
  const out = emptyRead();
  for (const x of settled) {
    if (x.ok) {
      out.certs.push(...x.value.certs);
      out.problems.push(...x.value.problems);
      out.files[x.host] = x.value.files;
    } else {
      const e = x.error;
      out.down.push({ host: x.host, error: e instanceof Error ? e.message : String(e), unreachable: isKsprayError(e) && e.code === 'HostsUnreachable' });
    }
  }
  return out;
}

/** Certificate and kubeconfig files on this machine; `optional` ones that do not exist are left out quietly. */
export async function readLocalCerts(files: string[], o: { now?: Date; optional?: boolean } = {}): Promise<CertsRead> {
  const now = o.now ?? new Date();
  const out = emptyRead();
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (!(o.optional && e.code === 'ENOENT')) out.problems.push({ where: 'local', file, problem: e.code === 'ENOENT' ? 'not found' : `cannot be read (${e.code ?? e.message})` });
      return undefined;
    });
    if (text === undefined) continue;
    const r = inspectText(text, 'local', file, now);
    out.certs.push(...r.certs);
    out.problems.push(...r.problems);
    (out.files.local ??= []).push(file);
  }
  return out;
}

export function mergeReads(...reads: CertsRead[]): CertsRead {
  const out = emptyRead();
  for (const r of reads) {
    out.certs.push(...r.certs);
    out.problems.push(...r.problems);
    out.down.push(...r.down);
    for (const [h, f] of Object.entries(r.files)) (out.files[h] ??= []).push(...f);
  }
  return out;
}
