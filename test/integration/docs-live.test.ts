// kspray docs --live against a deployed lab: hardware from the fact cache the deploy wrote, CPU/memory from the
// real kube-apiserver, the kubeconfig certificate's expiry; an unreachable API is stated in the document.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { useLab } from './helpers.js';
import { kubectl, KUBE, onHost, stateKubeconfig, useEmulatableRelease } from './health-helpers.js';

const lab = useLab('docslive', 95);
const factsDir = () => path.join(path.dirname(lab.config), '.kspray', 'kspray-lab', 'facts');

interface Live {
  collectedAt: string;
  nodes: { name: string; cachedFacts: boolean; hardware: Record<string, unknown>; from: Record<string, string> }[];
  kubernetes: { reachable: boolean; error?: string; nodes?: number; allocatableCpuMilli?: number; allocatableMemoryBytes?: number; pods?: number; requestedCpuMilli?: number; requestedMemoryBytes?: number };
  certificate: { found: boolean; notAfter?: string; daysLeft?: number };
}
const liveOf = (stdout: string) => (JSON.parse(stdout) as { live: Live }).live;

const pod = (name: string, node: string, cpu: string, memory: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory } } }] },
});

describe.skipIf(!KUBE.standin_kube_apiserver_bin)('docs --live in the lab', () => {
  it('deploys (fact cache and kubeconfig written)', async () => {
    useEmulatableRelease(lab);
    const r = await lab.run(['deploy', '--ignore-preflight', 'systemd']);
    expect(r.code, r.all).toBe(0);
    expect(fs.existsSync(stateKubeconfig(lab))).toBe(true);
  });

  it('-o json: hardware of every node from the fact cache, totals from the API, the kubeconfig expiry', async () => {
    await kubectl(lab, ['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      // no controller-manager in the lab makes the namespace's default service account the pods need
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } },
      pod('req-a', 'kube01', '250m', '64Mi'), pod('req-b', 'kube02', '500m', '128Mi'),
    ] }) });
    const r = await lab.run(['docs', '--live', '-o', 'json']);
    expect(r.code, r.all).toBe(0);
    const live = liveOf(r.stdout);
    const hosts = lab.info.hosts.filter((h) => !h.spare).map((h) => h.name);
    expect(live.nodes.map((n) => n.name).sort()).toEqual([...hosts].sort());
    for (const n of live.nodes) {
      const facts = JSON.parse(fs.readFileSync(path.join(factsDir(), n.name), 'utf8')) as Record<string, any>;
      expect(n.cachedFacts, n.name).toBe(true);
      expect(n.hardware, n.name).toMatchObject({ memoryMb: facts.ansible_memtotal_mb, os: `${facts.ansible_distribution} ${facts.ansible_distribution_version}`, kernel: facts.ansible_kernel });
      expect(n.from, n.name).toMatchObject({ memoryMb: 'facts', os: 'facts', kernel: 'facts' });
      // kubespray's fact gathering keeps no CPU count: the Node's capacity in the API supplies it
      expect(n.hardware.cpus, n.name).toBe(4);
      expect(n.from.cpus, n.name).toBe('kubernetes');
    }
    expect(live.kubernetes).toMatchObject({ reachable: true, nodes: 6, allocatableCpuMilli: 24_000, allocatableMemoryBytes: 6 * 8 * 2 ** 30, pods: 2, requestedCpuMilli: 750, requestedMemoryBytes: 192 * 2 ** 20 });
    const kc = parse(fs.readFileSync(stateKubeconfig(lab), 'utf8')) as { users: { user: { 'client-certificate-data': string } }[] };
    const cert = new X509Certificate(Buffer.from(kc.users[0]!.user['client-certificate-data'], 'base64'));
    expect(live.certificate).toMatchObject({ found: true, notAfter: new Date(cert.validTo).toISOString() });
    expect(live.certificate.daysLeft).toBe(Math.floor((new Date(cert.validTo).getTime() - new Date(live.collectedAt).getTime()) / 86_400_000));
  });

  it('markdown says it includes live data and when, with hardware columns, live capacity and the first expiry', async () => {
    const r = await lab.run(['docs', '--live']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/^> Includes live data read at \d{4}-\d\d-\d\dT[\d:.]+Z: hardware from the Ansible fact cache \(\.kspray\/kspray-lab\/facts\), capacity from the Kubernetes API/m);
    expect(r.stdout).toContain('| taints | cpu | memory | disks | os | kernel |');
    expect(r.stdout).toMatch(/^\| CPU allocatable \(live\) \| 24 CPU on 6 nodes \|$/m);
    expect(r.stdout).toMatch(/^\| CPU requested \(live\) \| 0\.75 CPU \(3%\) by 2 pods \|$/m);
    expect(r.stdout).toMatch(/^\| First certificate expiry \(live\) \| kubeconfig client certificate \(.*\) expires .*: \d+ days left \| — \|$/m);
  });

  it('an unreachable kubeconfig server is stated in the document, exit 0', async () => {
    const copy = path.join(lab.dir, 'unreachable.conf');
    fs.writeFileSync(copy, fs.readFileSync(stateKubeconfig(lab), 'utf8').replace(/server: https:\/\/[^\s]+/, 'server: https://127.0.0.1:1'), { mode: 0o600 });
    const r = await lab.run(['docs', '--live', '-o', 'json', '--kubeconfig', copy]);
    expect(r.code, r.all).toBe(0);
    const live = liveOf(r.stdout);
    expect(live.kubernetes).toMatchObject({ reachable: false, error: expect.stringMatching(/API server https:\/\/127\.0\.0\.1:1 unreachable: .*ECONNREFUSED/) });
    expect(live.nodes.every((n) => n.cachedFacts && n.from.memoryMb === 'facts' && n.hardware.cpus === undefined)).toBe(true);
    expect(live.certificate.found).toBe(true);
  });

  it('with the API server stopped the markdown says so instead of the live capacity', async () => {
    await onHost(lab, 'km01', 'bash /var/lib/kspray-standin/apiserver/stop-apiserver.sh /var/lib/kube-apiserver');
    const r = await lab.run(['docs', '--live']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/the Kubernetes API was not reachable\.$/m);
    expect(r.stdout).toMatch(/^\| CPU \/ memory \(live\) \| not read: API server https:\/\/[\d.]+:6443 unreachable: .*ECONNREFUSED.*\|$/m);
    expect(r.all).not.toMatch(/\n\s+at /);
  });
});
