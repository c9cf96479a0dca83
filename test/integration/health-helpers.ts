// Shared by the health lab tests: a lab config on a release whose Kubernetes minor the lab's kube-apiserver
// (v1.37.2) can emulate, lab kubectl against the fetched kubeconfig, and host commands.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { sudoRun } from '../lab/ssh.js';
import { emulateRelease } from '../lab/config-file.js';
import { labKubeBinaries } from '../lab/kube-binaries.js';
import type { TestLab } from './helpers.js';

export const KUBE = labKubeBinaries();

/** kubespray v2.30.0 / Kubernetes v1.34.3: the stand-in starts kube-apiserver with --emulated-version=kube=1.34. */
export function useEmulatableRelease(lab: TestLab): void {
  emulateRelease(lab.config, 'v2.30.0', 'v1.34.3');
}

/** A file of the lab cluster's state directory (.kspray/kspray-lab beside the config). */
export const stateFile = (lab: TestLab, name: string) => path.join(path.dirname(lab.config), '.kspray', 'kspray-lab', name);
export const stateKubeconfig = (lab: TestLab) => stateFile(lab, 'kubeconfig');

export async function kubectl(lab: TestLab, args: string[], o: { kubeconfig?: string; input?: string } = {}): Promise<string> {
  const r = await execa(KUBE.standin_kubectl_bin!, ['--kubeconfig', o.kubeconfig ?? stateKubeconfig(lab), '--request-timeout', '30s', ...args], { ...(o.input !== undefined ? { input: o.input } : {}) });
  return r.stdout;
}

export async function onHost(lab: TestLab, name: string, script: string): Promise<string> {
  const h = lab.info.hosts.find((x) => x.name === name)!;
  const r = await sudoRun(lab.info, h, script);
  if (r.code !== 0) throw new Error(`${name}: ${script}: ${r.stderr}`);
  return r.stdout;
}

/** Run one of the repository's scripts on a lab host by sending its text (the checkout may be under a path hosts shadow). */
export function onHostScript(lab: TestLab, name: string, file: string, args: string[]): Promise<string> {
  const b64 = Buffer.from(fs.readFileSync(file, 'utf8')).toString('base64');
  return onHost(lab, name, `printf %s ${b64} | base64 -d | bash -s -- ${args.join(' ')}`);
}

export const patchStatus = (lab: TestLab, kind: string, name: string, patch: object, ns?: string) =>
  kubectl(lab, [...(ns ? ['-n', ns] : []), 'patch', kind, name, '--subresource=status', '--type=strategic', '-p', JSON.stringify(patch)]);

export const checksOf = (stdout: string) => (JSON.parse(stdout.trim().split('\n').at(-1)!) as { status: string; checks: { id: string; status: string; evidence: string[] }[] });
export const byId = (stdout: string, id: string) => checksOf(stdout).checks.find((c) => c.id === id);
