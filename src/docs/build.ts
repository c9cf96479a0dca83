// PURE: config (+ the release's facts, + what kspray knows of its backups) → the architecture document's model.
import type { Cluster } from '../config/model.js';
import type { BackupMeta } from '../etcd/store.js';
import { components, type ReleaseVersions } from './components.js';
import { haSection } from './ha.js';
import { apiServerDiagram, topologyDiagram, upgradeDiagram } from './mermaid.js';
import { networkSection } from './network.js';
import type { DocLive, DocModel } from './schema.js';
import { backupSection, capacitySection, clusterSection, nodesSection, securitySection, upgradeSection } from './sections.js';

export interface DocInputs {
  source: { file: string; sha256: string };
  release: ReleaseVersions;
  /** the backup directory as shown (relative to the config) */
  backupDir: string;
  lastBackup?: { file: string; meta: BackupMeta };
  /** with --live only: read from the fact cache and the cluster by the command */
  live?: DocLive;
}

export function buildDocModel(c: Cluster, inputs: DocInputs): DocModel {
  const network = networkSection(c);
  const upgrade = upgradeSection(c);
  const capacity = capacitySection(c);
  const upgradeChart = upgradeDiagram(upgrade, c);
  return {
    format: 'kspray-docs/v1',
    source: inputs.source,
    cluster: clusterSection(c, inputs.release.from),
    nodes: nodesSection(c),
    network,
    components: components(c, inputs.release),
    security: securitySection(c),
    highAvailability: haSection(c),
    ...(capacity ? { capacity } : {}),
    backup: backupSection(c, inputs.backupDir, inputs.lastBackup),
    upgrade,
    diagrams: { topology: topologyDiagram(c, network, network.checks), apiServerHa: apiServerDiagram(c), ...(upgradeChart ? { upgrade: upgradeChart } : {}) },
    ...(inputs.live ? { live: inputs.live } : {}),
  };
}
