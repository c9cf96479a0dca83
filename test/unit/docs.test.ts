// `kspray docs`: golden documents (homelab, a generated 120-host config), the figures the document must state, its
// JSON against the committed schema, Mermaid blocks through mermaid's own parser, determinism.
// UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/docs.test.ts rewrites test/fixtures/docs/.
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { generatedConfig } from '../../bench/config-gen.js';
import { docsSchemaFile, docsSchemaText } from '../../scripts/generate-schema.js';
import { buildDocModel, type DocInputs } from '../../src/docs/build.js';
import { releaseVersions } from '../../src/docs/components.js';
import { renderMarkdown } from '../../src/docs/markdown.js';
import type { DocModel } from '../../src/docs/schema.js';
import { exampleText, repoPath, validCluster } from './helpers.js';

const update = process.env.UPDATE_GOLDEN === '1';
// fixed inputs keep the goldens independent of comment edits and of the machine's backups
const inputs = (text: string): DocInputs => ({ source: { file: 'kspray.yaml', sha256: '0'.repeat(64) }, release: releaseVersions(validCluster(text)), backupDir: 'backups/cluster' });
const model = (text: string, i: DocInputs = inputs(text)) => buildDocModel(validCluster(text), i);
/** 120 hosts, each rack a failure domain */
const bigText = () => generatedConfig(120).replace(/labels: \{ rack: (r\d+) \}/g, 'failureDomain: $1, labels: { rack: $1 }');

function golden(name: string, content: string): void {
  const path = repoPath('test', 'fixtures', 'docs', name);
  if (update) writeFileSync(path, content);
  expect(content, `test/fixtures/docs/${name} (UPDATE_GOLDEN=1 to accept)`).toBe(readFileSync(path, 'utf8'));
}

describe('golden documents', () => {
  it('homelab as markdown and json', () => {
    const m = model(exampleText('homelab'));
    golden('homelab.md', renderMarkdown(m));
    golden('homelab.json', JSON.stringify(m, null, 2) + '\n');
  });

  it('a generated 120-host config with 40 failure domains', () => {
    golden('generated-120.md', renderMarkdown(model(bigText())));
  });

  it('is byte-identical for the same config', () => {
    expect(renderMarkdown(model(exampleText('homelab')))).toBe(renderMarkdown(model(exampleText('homelab'))));
  });
});

describe('the homelab document states the true figures', () => {
  const m = model(exampleText('homelab'));
  const md = renderMarkdown(m);

  it('110 pods per node and 330 schedulable pods on the three workers', () => {
    expect(m.capacity).toMatchObject({ podsPerNode: 110, maxPodsPerNode: 110, schedulableNodes: 3, schedulablePods: 330, podsLimitedBy: 'max-pods' });
    expect(md).toContain('| Pods schedulable | 330 on 3 schedulable nodes (limited by max pods per node) |');
  });

  it('the pod subnet holds 128 nodes at 110 pods (two /26 blocks each) and 256 at one block each', () => {
    expect(m.capacity).toMatchObject({ nodesAtMaxPods: 128, blocksPerNode: 2, nodesAtOneBlock: 256, podAddresses: 16384, serviceIps: 16382, metallbAddresses: [{ pool: 'default', addresses: 256 }] });
    expect(md).toContain('| Nodes the pod subnet holds | 128 at 110 pods per node (2 blocks each); 256 at one block each |');
  });

  it('two control planes down loses etcd quorum; one does not', () => {
    const s = Object.fromEntries(m.highAvailability.scenarios.map((x) => [x.scenario, x]));
    expect(m.highAvailability.etcd).toEqual({ members: 3, quorum: 2, toleratedFailures: 1, deployment: 'host' });
    expect(s['2 of 3 control planes down']).toMatchObject({ etcdQuorum: false, apiReachable: false, etcdMembersLeft: 1 });
    expect(s['1 of 3 control planes down']).toMatchObject({ etcdQuorum: true, apiReachable: true });
    expect(s['failure domain pve1 down']).toMatchObject({ nodesLost: ['km02', 'kube02'], etcdQuorum: true, apiReachable: true, schedulableNodesLeft: 2, schedulablePodsLeft: 220 });
  });

  it('flags the layer-2 MetalLB pool outside the node segment with what it needs', () => {
    const flag = m.network.checks.find((c) => c.id === 'metallb/l2-outside-node-segment');
    expect(flag).toMatchObject({ severity: 'warning' });
    expect(flag!.message).toContain('192.168.100.0/24 lies outside every node segment (192.168.10.0/24)');
    expect(flag!.fix).toMatch(/route for 192\.168\.100\.0\/24/);
    expect(m.network.nodeSegments).toEqual([{ cidr: '192.168.10.0/24', assumed: true, hosts: ['km01', 'km02', 'km03', 'kube01', 'kube02', 'kube03'] }]);
  });

  it('computes CoreDNS as the third service address and lists the release versions', () => {
    expect(m.network.coreDnsServiceIp).toBe('10.233.0.3');
    expect(m.network.apiServerServiceIp).toBe('10.233.0.1');
    const v = Object.fromEntries(m.components.map((c) => [c.name, [c.version, c.versionSource]]));
    expect(v).toMatchObject({ etcd: ['3.5.12', 'release-table'], containerd: ['1.7.16', 'release-table'], Calico: ['3.27.3', 'release-table'], 'kube-apiserver': ['1.29.5', 'kubernetes'] });
    // the add-ons too, without a checkout: kspray ships each release's default versions
    expect(v).toMatchObject({ CoreDNS: ['1.11.1', 'release-table'], MetalLB: ['0.13.9', 'release-table'], 'cert-manager': ['1.13.2', 'release-table'] });
  });

  it('takes add-on versions from the checkout and the configured ArgoCD version over both', () => {
    const text = exampleText('homelab').replace('argocd:\n      enabled: true', 'argocd:\n      enabled: true\n      version: v2.11.3');
    const m2 = model(text, { ...inputs(text), release: { from: 'checkout', addons: { coredns_version: '1.11.1', metallb_version: '0.13.9', argocd_version: '2.11.0' } } });
    const v = Object.fromEntries(m2.components.map((c) => [c.name, [c.version, c.versionSource]]));
    expect(v).toMatchObject({ CoreDNS: ['1.11.1', 'checkout'], MetalLB: ['0.13.9', 'checkout'], 'Argo CD': ['2.11.3', 'config'], etcd: ['3.5.12', 'checkout'] });
  });

  it('states the last verified backup kspray knows', () => {
    const meta = { format: 'kspray-etcd-backup/v1', cluster: 'homelab-kubespray', member: 'km01', revision: 1, totalKey: 1, snapshotHash: 1, size: 4096, sha256: 'x', degraded: false, time: '2026-11-24T03:00:00.000Z', verifiedAt: '2026-11-24T03:00:05.000Z' } as const;
    const m2 = model(exampleText('homelab'), { ...inputs(exampleText('homelab')), lastBackup: { file: 'backups/homelab-kubespray/20261124T030000Z-km01.db', meta } });
    expect(renderMarkdown(m2)).toContain('- Last verified backup: backups/homelab-kubespray/20261124T030000Z-km01.db (2026-11-24T03:00:00.000Z, member km01)');
  });
});

describe('json output', () => {
  const schema = JSON.parse(readFileSync(docsSchemaFile, 'utf8')) as object;

  it('the committed schema is up to date (npm run schema regenerates it)', () => {
    expect(readFileSync(docsSchemaFile, 'utf8')).toBe(docsSchemaText());
  });

  it('validates against schema/kspray-docs.schema.json, for both goldens', () => {
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    for (const m of [model(exampleText('homelab')), model(bigText())]) expect(validate(m), JSON.stringify(validate.errors)).toBe(true);
    const broken = { ...model(exampleText('homelab')), capacity: { plugin: 'calico' } } as unknown as DocModel;
    expect(validate(broken)).toBe(false);
  });
});

describe('Mermaid diagrams', () => {
  const blocks = (md: string) => [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((x) => x[1]!);

  it('every block parses with mermaid', async () => {
    // mermaid sanitises labels with DOMPurify, which needs a DOM: linkedom's, no browser
    const { parseHTML } = await import('linkedom');
    const { window } = parseHTML('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window, document: window.document });
    const mermaid = (await import('mermaid')).default;
    const all = [...blocks(renderMarkdown(model(exampleText('homelab')))), ...blocks(renderMarkdown(model(bigText())))];
    expect(all.length).toBe(6);
    for (const b of all) await expect(mermaid.parse(b), b).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
    await expect(mermaid.parse('flowchart TB\n  a["x --> b')).rejects.toThrow(/Parse error/);
  });

  it('groups the topology by failure domain and summarises large groups', () => {
    const m = model(bigText());
    expect(m.diagrams.topology.match(/subgraph fd\d+\["failure domain r\d+"\]/g)).toHaveLength(40);
    const single = model(generatedConfig(120));
    expect(single.diagrams.topology).toContain('117 workers');
  });
});
