// Writes .kspray-lab/kspray.yaml: a kspray config for the lab's non-spare hosts.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { LabInfo } from './info.js';
import { labKubeBinaries } from './kube-binaries.js';

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

export function writeKnownHosts(info: LabInfo): void {
  const lines = info.hosts.map((h) => `${h.address} ${h.hostKeyPublic.split(' ').slice(0, 2).join(' ')}`);
  fs.writeFileSync(info.knownHostsFile, lines.join('\n') + '\n', { mode: 0o600 });
}
