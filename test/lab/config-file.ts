// Writes .kspray-lab/kspray.yaml: a kspray config for the lab's non-spare hosts.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { LabInfo } from './info.js';
import { labKubeBinaries } from './kube-binaries.js';
import { labVenvFor } from './settings.js';

export function labConfig(info: LabInfo): Record<string, unknown> {
  return {
    apiVersion: 'kspray.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'kspray-lab' },
    spec: {
      kubespray: { version: info.kubesprayVersion, path: info.kubesprayPath, venv: info.venv },
      kubernetes: { version: info.kubernetesVersion },
      ssh: { user: info.sshUser, keyFile: info.keyFile, knownHostsFile: info.knownHostsFile },
      hosts: info.hosts
        .filter((h) => !h.spare)
        .map((h) => ({ name: h.name, address: h.address, ip: h.address, roles: h.roles })),
      network: { plugin: 'calico', podSubnet: '10.233.64.0/18', serviceSubnet: '10.233.0.0/18' },
      extraVars: { ...labKubeBinaries() },
    },
  };
}

export function writeLabConfig(info: LabInfo): void {
  const schema = path.relative(path.dirname(info.configFile), path.join(info.kubesprayPath, '../../schema/kspray.schema.json'));
  const header = `# yaml-language-server: $schema=${schema}\n# Written by \`npm run lab -- up\`; spare hosts are in lab.json.\n`;
  fs.writeFileSync(info.configFile, header + stringify(labConfig(info), { lineWidth: 0 }));
}

/**
 * Make the lab config emulate another kubespray release: version, Kubernetes version, the stand-in's release and a
 * lab venv inside that release's Ansible range (the stand-in enforces it).
 */
export function emulateRelease(configFile: string, release: string, kube: string): void {
  const text = fs.readFileSync(configFile, 'utf8');
  fs.writeFileSync(
    configFile,
    text
      .replace(/^(    version: )v2\.\d+\.\d+$/m, `$1${release}`)
      .replace(/^(  kubernetes:\n    version: )\S+$/m, `$1${kube}`)
      .replace(/^(    venv: ).*$/m, `$1${labVenvFor(release)}`)
      .replace(/^  extraVars:(?: \{\})?\n/m, `  extraVars:\n    standin_release: ${release}\n`),
  );
}

export function writeKnownHosts(info: LabInfo): void {
  const lines = info.hosts.map((h) => `${h.address} ${h.hostKeyPublic.split(' ').slice(0, 2).join(' ')}`);
  fs.writeFileSync(info.knownHostsFile, lines.join('\n') + '\n', { mode: 0o600 });
}
