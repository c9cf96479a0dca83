// --live's pure parts: the fact-cache reader on a small fixture, the API filling what the cache lacks, pod
// requests, the kubeconfig certificate's expiry, and the markdown it renders.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwareFromFacts, readFactCache } from '../../src/docs/facts.js';
import { apiNode, kubeconfigCertificate, liveNode, podRequests } from '../../src/docs/live.js';
import { capacityRows, certificateRow, hardwareCells, hardwareNote } from '../../src/docs/markdown-live.js';
import type { DocLive } from '../../src/docs/schema.js';
import { repoPath } from './helpers.js';

const FACTS = repoPath('test', 'fixtures', 'docs', 'facts');

describe('fact cache reader', () => {
  it('reads CPU, memory, real disks with sizes, OS and kernel; a host without a file or with a broken one has none', async () => {
    const m = await readFactCache(FACTS, ['km01', 'kube01', 'kube02', 'kube03']);
    expect(m.get('km01')).toEqual({
      cpus: 4,
      memoryMb: 7937,
      disks: [{ name: 'nvme0n1', bytes: 195371568 * 512 }, { name: 'sda', bytes: 67108864 * 512 }],
      os: 'Ubuntu 24.04',
      kernel: '6.8.0-51-generic',
    });
    // what kubespray's own fact gathering leaves: no CPU count, no devices
    expect(m.get('kube01')).toEqual({ memoryMb: 15995, os: 'Debian 12.8', kernel: '6.1.0-28-amd64' });
    expect(m.get('kube02')).toBeUndefined();
    expect(m.get('kube03')).toBeUndefined();
  });

  it('an empty fact set has no fields', () => expect(hardwareFromFacts({})).toEqual({}));
});

describe('live data', () => {
  it('the API fills only what the fact cache lacks, saying so per field', () => {
    const n = liveNode('kube01', { memoryMb: 15995, os: 'Debian 12.8' }, { cpus: 8, memoryMb: 16000, os: 'Debian GNU/Linux 12', kernel: '6.1.0' });
    expect(n).toEqual({ name: 'kube01', cachedFacts: true, hardware: { cpus: 8, memoryMb: 15995, os: 'Debian 12.8', kernel: '6.1.0' }, from: { cpus: 'kubernetes', memoryMb: 'facts', os: 'facts', kernel: 'kubernetes' } });
    expect(liveNode('kube09', undefined, undefined)).toEqual({ name: 'kube09', cachedFacts: false, hardware: {}, from: {} });
  });

  it('a pod requests the larger of its containers and its init containers, plus overhead', () => {
    const c = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });
    expect(podRequests({ spec: { containers: [c('100m', '64Mi'), c('250m', '128Mi')], initContainers: [c('1', '16Mi')], overhead: { cpu: '10m' } } })).toEqual({ cpuMilli: 1010, memBytes: 192 * 2 ** 20 });
    expect(podRequests({ spec: { containers: [{}] } })).toEqual({ cpuMilli: 0, memBytes: 0 });
  });

  it("the kubeconfig client certificate's expiry and days left", () => {
    // a self-signed 365-day certificate made once with `openssl req -x509 -newkey ec … -days 365`, judged on its first day
    const file = join(FACTS, '..', 'kubeconfig-client.crt');
    const pem = readFileSync(file);
    const now = new Date(new X509Certificate(pem).validFrom);
    const got = kubeconfigCertificate({ certData: pem.toString('base64') }, now);
    expect(got).toMatchObject({ found: true, what: 'kubeconfig client certificate', subject: 'O=kubeadm:cluster-admins, CN=kubernetes-admin' });
    expect(got.found && got.daysLeft).toBeOneOf([364, 365]);
    expect(kubeconfigCertificate({ certFile: file }, now)).toEqual(got);
    expect(kubeconfigCertificate({}, now)).toEqual({ found: false, reason: 'the kubeconfig user authenticates without a client certificate' });
  });

  it("takes CPU, memory, the kubelet's filesystem, OS and kernel from a Node's status", () => {
    const n = apiNode({
      metadata: { name: 'kube01' },
      status: { capacity: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' }, allocatable: { cpu: '3500m', memory: '7Gi' }, nodeInfo: { osImage: 'Ubuntu 24.04.1 LTS', kernelVersion: '6.8.0-45-generic' } },
    });
    expect(n).toEqual({
      name: 'kube01',
      hardware: { cpus: 4, memoryMb: 8192, disks: [{ name: 'kubelet filesystem', bytes: 100 * 2 ** 30 }], os: 'Ubuntu 24.04.1 LTS', kernel: '6.8.0-45-generic' },
      cpuMilli: 3500,
      memBytes: 7 * 2 ** 30,
    });
  });

  it('renders hardware cells, the API marker, capacity rows and the expiry; an unreachable API is stated', () => {
    const live: DocLive = {
      collectedAt: '2026-01-02T03:04:05.000Z',
      factCache: '.kspray/homelab/facts',
      nodes: [liveNode('km01', { cpus: 4, memoryMb: 8192, disks: [{ name: 'sda', bytes: 32 * 2 ** 30 }], os: 'Ubuntu 24.04', kernel: '6.8.0' }, undefined), liveNode('kube01', { memoryMb: 4096 }, { cpus: 2 }), liveNode('kube02', undefined, undefined)],
      kubernetes: { reachable: true, server: 'https://10.0.0.1:6443', nodes: 3, allocatableCpuMilli: 8000, allocatableMemoryBytes: 16 * 2 ** 30, pods: 12, requestedCpuMilli: 2000, requestedMemoryBytes: 4 * 2 ** 30 },
      certificate: { found: true, what: 'kubeconfig client certificate', subject: 'CN=kubernetes-admin', notAfter: '2027-01-02T00:00:00.000Z', daysLeft: 364 },
    };
    expect(hardwareCells(live, 'km01')).toEqual(['4', '8.0 GiB', 'sda 32.0 GiB', 'Ubuntu 24.04', '6.8.0']);
    expect(hardwareCells(live, 'kube01')).toEqual(['2 ¹', '4.0 GiB', 'not in the fact cache', 'not in the fact cache', 'not in the fact cache']);
    expect(hardwareCells(live, 'kube02')[0]).toBe('no cached facts');
    expect(hardwareNote(live)).toMatch(/No cached facts for kube02: deploy/);
    expect(capacityRows(live)).toEqual([
      ['CPU allocatable (live)', '8 CPU on 3 nodes'],
      ['Memory allocatable (live)', '16.0 GiB'],
      ['CPU requested (live)', '2 CPU (25%) by 12 pods'],
      ['Memory requested (live)', '4.0 GiB (25%)'],
    ]);
    expect(certificateRow(live)[1]).toBe('kubeconfig client certificate (CN=kubernetes-admin) expires 2027-01-02T00:00:00.000Z: 364 days left');
    const down = { ...live, kubernetes: { reachable: false, server: 'https://10.0.0.1:6443', error: 'API server https://10.0.0.1:6443 unreachable: connect ECONNREFUSED' } };
    expect(capacityRows(down)).toEqual([['CPU / memory (live)', 'not read: API server https://10.0.0.1:6443 unreachable: connect ECONNREFUSED']]);
  });
});
