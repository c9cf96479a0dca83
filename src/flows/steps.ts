// Phases most flows share: render the inventory, preflight the hosts, run a kubespray playbook.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { KsprayError, isKsprayError } from '../errors.js';
import { configDigest, renderInventory } from '../inventory/render.js';
import { applyWrite, planWrite } from '../inventory/write.js';
import { ansibleCommand, displayCommand, forksFor, type PlaybookInvocation } from '../playbooks/argv.js';
import { runPlaybook } from '../playbooks/runner.js';
import { becomePasswordFile } from '../become.js';
import { run } from '../exec.js';
import { closeMasterArgv } from '../ssh/options.js';
import { join } from 'node:path';
import { resolveFrom } from '../paths.js';
import type { FlowContext, Phase } from './flow.js';
import type { Release } from '../config/releases.js';

export function renderPhase(): Phase {
  return {
    title: 'Render inventory',
    plan: (fc) => [`write ${fc.ws.inventoryDir}/hosts.yaml and group_vars/ for kubespray ${fc.ws.cluster.config.spec.kubespray.version}`],
    async run(fc) {
      const { ws } = fc;
      const files = renderInventory(ws.cluster, { source: ws.loaded.file, digest: configDigest(ws.loaded.text) });
      const plan = await planWrite(ws.inventoryDir, files);
      await applyWrite(ws.inventoryDir, files, plan, false);
      fc.reporter.info(`${ws.inventoryDir}: ${plan.write.length} written, ${plan.unchanged.length} unchanged`);
      await fc.record?.snapshotInventory(ws.inventoryDir);
    },
  };
}

export function preflightPhase(opts: { ignore?: string[]; hosts?: (fc: FlowContext) => string[] } = {}): Phase {
  return {
    title: 'Preflight',
    plan: (fc) => [`connect to ${(opts.hosts?.(fc) ?? fc.ws.cluster.hosts.map((h) => h.name)).join(', ')} over SSH (pinned host keys) and check sudo, python3, ip, clock, memory, systemd, cgroups`],
    // loaded on use: preflight brings in the SSH client (ssh2), which `--skip-preflight` runs never need
    run: async (fc) => (await import('./preflight.js')).runPreflight(fc, opts.ignore ?? [], opts.hosts?.(fc)),
  };
}

/**
 * Every master Ansible left in the flow's control dir, found by its socket: masters for hosts the config no longer
 * names, or opened under another user, close too, and none waits out its ControlPersist after a Ctrl-C.
 */
async function closeMasters(fc: FlowContext): Promise<void> {
  const dir = fc.ws.controlPathDir;
  const sockets = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(sockets.map((s) => run(closeMasterArgv(join(dir, s)), { timeoutMs: 5000 }).catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
}

/**
 * Once per flow, on its first playbook: the become password file (lives only as long as the flow), the state
 * directories, and the cleanup that closes the SSH masters. Later playbooks of the flow reuse them.
 */
const prepared = new WeakMap<FlowContext, Promise<string | undefined>>();

function prepareOnce(fc: FlowContext): Promise<string | undefined> {
  let p = prepared.get(fc);
  if (!p) {
    p = (async () => {
      const { ws } = fc;
      let pwFile: string | undefined;
      if (fc.becomePassword !== undefined) {
        const f = await becomePasswordFile(fc.becomePassword);
        fc.onCleanup(f.cleanup);
        pwFile = f.path;
      }
      await mkdir(ws.controlPathDir, { recursive: true, mode: 0o700 });
      await mkdir(ws.factCacheDir, { recursive: true, mode: 0o700 });
      fc.onCleanup(() => closeMasters(fc));
      return pwFile;
    })();
    prepared.set(fc, p);
  }
  return p;
}

/** Settings for one playbook of a flow (derived afresh: the cluster may change between playbooks). */
async function settings(fc: FlowContext) {
  const { ws } = fc;
  const spec = ws.cluster.config.spec;
  const pwFile = fc.dryRun ? undefined : await prepareOnce(fc);
  return {
    kubesprayDir: ws.kubesprayDir,
    ansiblePlaybook: ws.ansiblePlaybook,
    inventoryFile: join(ws.inventoryDir, 'hosts.yaml'),
    ...(spec.ssh.user ? { user: spec.ssh.user } : {}),
    ...(spec.ssh.keyFile ? { privateKey: resolveFrom(ws.configDir, spec.ssh.keyFile) } : {}),
    knownHostsFile: ws.knownHostsFile,
    controlPathDir: ws.controlPathDir,
    factCacheDir: ws.factCacheDir,
    forks: forksFor(ws.cluster.hosts.length),
    eventsFile: fc.record?.eventsFile ?? '/dev/null',
    callbackDir: ws.callbackDir,
    extraArgs: fc.ansibleArgs,
    ...(pwFile ? { becomePasswordFile: pwFile } : {}),
  };
}

/**
 * kubespray's playbooks/facts.yml: bootstrap_os on every host, then the facts a later `--limit` run relies on. From
 * v2.28 bootstrap_os also installs kubespray's system packages: not a fact refresh, and cluster.yml/scale.yml do it anyway.
 */
export function factsInvocation(r: Release | undefined): PlaybookInvocation {
  return { playbook: 'playbooks/facts.yml', ...(r?.factsInstallsPackages ? { skipTags: ['system-packages'] } : {}) };
}

export function factsPhase(): PlaybookPhase {
  const base = playbookPhase('Bootstrap the hosts and refresh the fact cache (playbooks/facts.yml)', (fc) => factsInvocation(fc.ws.cluster.release));
  return {
    ...base,
    plan: async (fc) => [
      "on every host: kubespray's bootstrap_os (python3 and iproute2 if missing, hostname set to the inventory name), then gather facts into the cluster's fact cache",
      ...(fc.ws.cluster.release?.factsInstallsPackages ? ["kubespray's system package install in that step is skipped (--skip-tags system-packages)"] : []),
      ...(await base.plan!(fc)),
    ],
  };
}

/** A phase that runs one kubespray playbook; `invocation` says which, with what (the plan and the contract tests read it). */
export interface PlaybookPhase extends Phase {
  invocation(fc: FlowContext): PlaybookInvocation;
}

export const isPlaybookPhase = (p: Phase): p is PlaybookPhase => typeof (p as Partial<PlaybookPhase>).invocation === 'function';

export function playbookPhase(title: string, invocation: (fc: FlowContext) => PlaybookInvocation): PlaybookPhase {
  return {
    title,
    invocation,
    plan: async (fc) => [displayCommand(ansibleCommand(invocation(fc), await settings(fc)))],
    async run(fc) {
      const s = await settings(fc);
      const cmd = ansibleCommand(invocation(fc), s);
      const step = fc.record?.result.steps.at(-1);
      if (step) Object.assign(step, { command: displayCommand(cmd) });
      fc.reporter.debug(displayCommand(cmd));
      const out = await runPlaybook(cmd, {
        reporter: fc.reporter,
        logFile: fc.record!.logFile,
        eventsFile: s.eventsFile,
        ...(fc.interrupts ? { interrupts: fc.interrupts } : {}),
        ...(fc.estimateMs !== undefined ? { estimateMs: fc.estimateMs } : {}),
      });
      const st = out.state;
      if (fc.record) {
        fc.record.result.failures.push(...st.failures);
        if (st.stats) fc.record.result.recap = { ...(fc.record.result.recap ?? {}), [cmd.argv.at(-1)!]: st.stats };
      }
      recap(fc, st.stats);
      if (out.interrupted) throw new KsprayError('Interrupted', `interrupted during ${cmd.argv.at(-1)}${st.task ? ` (task "${st.task}")` : ''}`);
      const details = st.failures.map((f) => `${f.host}: ${f.unreachable ? 'unreachable' : 'failed'} in "${f.task}": ${f.msg.split('\n')[0]}`);
      if (st.unreachableHosts.size)
        throw new KsprayError('HostsUnreachable', `${cmd.argv.at(-1)}: ${[...st.unreachableHosts].join(', ')} unreachable`, { details, hint: 'check the hosts are up; `kspray runs show` has the full log' });
      if (st.failedHosts.size || out.exitCode !== 0)
        throw new KsprayError('HostsFailed', `${cmd.argv.at(-1)} failed${st.failedHosts.size ? ` on ${[...st.failedHosts].join(', ')}` : ` (exit ${out.exitCode})`}`, {
          details: details.length ? details : [`ansible-playbook exited with ${out.exitCode}; see ${fc.record?.logFile}`],
          hint: 'fix the cause and re-run; kubespray playbooks are idempotent',
        });
    },
  };
}

function recap(fc: FlowContext, stats: Record<string, { ok: number; changed: number; failures: number; unreachable: number; skipped: number }> | undefined): void {
  if (!stats) return;
  const r = fc.reporter;
  for (const [h, s] of Object.entries(stats)) {
    const bad = s.failures + s.unreachable > 0;
    r.host(h, (bad ? r.color.red : r.color.green)(`ok=${s.ok} changed=${s.changed} failed=${s.failures} unreachable=${s.unreachable} skipped=${s.skipped}`));
  }
}

export const isInterrupted = (e: unknown) => isKsprayError(e) && e.code === 'Interrupted';
