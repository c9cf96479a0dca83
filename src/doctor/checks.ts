// kspray doctor: is this machine ready to drive the configured kubespray release?
import { gitTag } from '../kubespray/git-tag.js';
import { access, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec.js';
import { normalizeTag, readCheckoutRelease, type CheckoutRelease } from '../kubespray/checkout-release.js';
import { compareVersions } from '../kubespray/defaults-vars.js';
import { KnownHosts } from '../ssh/known-hosts.js';
import type { Cluster } from '../config/model.js';
import { resolveFrom } from '../paths.js';

export interface DoctorCheck {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** one line each, printed under the check */
  notes?: string[];
}

/** "ansible-playbook [core 2.16.14]" and "python version = 3.11.2 (...) (/path/bin/python3)" */
export function parseAnsibleVersion(out: string): { core?: string; python?: string } {
  const core = /\[core ([\d.]+)\]/.exec(out)?.[1];
  const python = /python version = .*\((\/[^)]+)\)\s*$/m.exec(out)?.[1];
  return { ...(core ? { core } : {}), ...(python ? { python } : {}) };
}

/** Whether the checkout's own facts agree with kspray's table, each difference named (the checkout's apply). */
function releaseFactsCheck(c: CheckoutRelease): DoctorCheck {
  if (!c.release)
    return {
      check: 'release facts',
      ok: Boolean(c.table),
      detail: `${c.dir} does not state ${c.facts.unread.join(', ')}; ${c.table ? `kspray's table entry for ${c.tag} applies` : `and kspray has no table entry for ${c.tag}`}`,
      fix: 'check out a kubespray release tag there (`kspray setup`)',
    };
  if (!c.table) return { check: 'release facts', ok: true, detail: `kspray has no table entry for kubespray ${c.tag}; its facts are read from the checkout` };
  const n = c.differences.length;
  return n
    ? { check: 'release facts', ok: true, detail: `the checkout states ${n} fact${n === 1 ? '' : 's'} unlike kspray's table; the checkout's apply`, notes: c.differences }
    : { check: 'release facts', ok: true, detail: `the checkout agrees with kspray's table entry for ${c.tag}` };
}

/** What the checks read of the opened workspace (a Workspace is one; doctor/ sits below workspace.ts). */
export interface DoctorInput {
  cluster: Cluster;
  configDir: string;
  ansiblePlaybook: string;
  kubesprayDir: string;
  knownHostsFile: string;
  ctx: { env: NodeJS.ProcessEnv };
}

export async function doctorChecks(ws: DoctorInput): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  const rel = ws.cluster.release!;
  const tag = ws.cluster.config.spec.kubespray.version;
  const v = await run([ws.ansiblePlaybook, '--version'], { timeoutMs: 20_000 }).catch(() => undefined);
  const parsed = v?.exitCode === 0 ? parseAnsibleVersion(v.stdout) : {};
  const core = parsed.core;
  out.push({
    check: 'ansible-playbook',
    ok: Boolean(core) && compareVersions(core!, rel.ansibleCore.min) >= 0 && compareVersions(core!, rel.ansibleCore.maxExclusive) < 0,
    detail: core ? `${ws.ansiblePlaybook}: ansible-core ${core} (kubespray ${rel.tag} needs ≥ ${rel.ansibleCore.min}, < ${rel.ansibleCore.maxExclusive})` : `${ws.ansiblePlaybook} not found or not runnable`,
    fix: `run \`kspray setup\` (a venv with ${rel.ansiblePackage} from the release's requirements.txt), or set spec.kubespray.venv`,
  });
  if (parsed.python) {
    const mods = await run([parsed.python, '-c', 'import jmespath, netaddr'], { timeoutMs: 20_000 }).catch(() => undefined);
    out.push({ check: 'python modules', ok: mods?.exitCode === 0, detail: mods?.exitCode === 0 ? 'jmespath, netaddr importable' : (mods?.stderr.trim().split('\n').at(-1) ?? 'python not runnable'), fix: 'pip install -r requirements.txt in the venv' });
  }
  const hasCluster = await stat(join(ws.kubesprayDir, 'cluster.yml')).then(() => true, () => false);
  const checkout = hasCluster ? await readCheckoutRelease(ws.kubesprayDir, gitTag) : undefined;
  const at = checkout ? `${checkout.tag}${checkout.tagFrom === 'git' ? '' : ' by its galaxy.yml, at no release tag'}` : 'an unknown release';
  out.push({
    check: 'kubespray checkout',
    ok: hasCluster && checkout?.tag === normalizeTag(tag),
    detail: !hasCluster ? `${ws.kubesprayDir} has no cluster.yml` : `${ws.kubesprayDir} is at ${at} (config: ${tag})`,
    fix: hasCluster ? `check out ${tag} there (git -C ${ws.kubesprayDir} checkout ${tag})` : '`kspray setup` clones it',
  });
  if (checkout && checkout.tag === normalizeTag(tag)) out.push(releaseFactsCheck(checkout));
  const keyFile = ws.cluster.config.spec.ssh.keyFile;
  if (keyFile) {
    const p = resolveFrom(ws.configDir, keyFile);
    const st = await stat(p).catch(() => undefined);
    const readable = st ? await access(p, constants.R_OK).then(() => true, () => false) : false;
    out.push({
      check: 'ssh key',
      ok: readable && (st!.mode & 0o077) === 0,
      detail: !st ? `${p} missing` : !readable ? `${p} not readable` : (st.mode & 0o077) !== 0 ? `${p} is readable by others (mode ${(st.mode & 0o777).toString(8)})` : `${p}`,
      fix: !st ? 'fix spec.ssh.keyFile' : `chmod 600 ${p}`,
    });
  } else
    out.push({ check: 'ssh agent', ok: Boolean(ws.ctx.env.SSH_AUTH_SOCK), detail: ws.ctx.env.SSH_AUTH_SOCK ? 'SSH_AUTH_SOCK set' : 'no spec.ssh.keyFile and no ssh-agent', fix: 'set spec.ssh.keyFile or start ssh-agent' });
  const kh = await KnownHosts.load(ws.knownHostsFile);
  const unpinned = ws.cluster.hosts.filter((h) => kh.lookup(h.address, h.port).length === 0).map((h) => h.name);
  out.push({ check: 'host keys', ok: unpinned.length === 0, detail: unpinned.length ? `not pinned: ${unpinned.join(', ')}` : `all ${ws.cluster.hosts.length} hosts pinned in ${ws.knownHostsFile}`, fix: '`kspray hosts trust`' });
  return out;
}
