// Differential validation: every mutated homelab config (test/fixtures/mutations.ts) and every hand-written broken
// config (test/fixtures/broken) that kspray can render goes
// through kspray's own rules (validateText) and through real kubespray's inventory checks (the playbook
// `kspray validate --kubespray` runs), for v2.25.0 and v2.31.0. Nothing kubespray rejects may pass kspray, nothing may
// crash, and every config only kspray rejects is rejected by a rule listed below with the reason it is stricter.
//
// Speed: the checks run in one Python process per shard (kubespray-batch.py: ansible-playbook's own CLI once per
// inventory, task workers in-process, see inprocess_workers.py), one shard per CPU, byte-identical inventories once.
// The batched run is checked against plain `ansible-playbook` runs (events identical) in the same test.
// Measured (2 cores shared with other jobs, so wall times vary): one plain `ansible-playbook` run of the checks takes
// 3-7 s wall, ~4 s CPU (0.7 s interpreter and imports, ~1.1 s controller, ~2.2 s in 108 forked workers: 6 hosts ×
// ~35 tasks; the fork itself 16 ms each). Batched with in-process workers: ~1.4 s CPU per mutant on v2.25.0 and ~1.0 s
// on v2.31.0 (left: Jinja compiling each conditional anew, per-task get_vars, the playbook's load), so ~540 mutants
// take ~6 and ~4.5 minutes per ref on 2 idle cores. Measured here with the 2 cores shared (load 6-11): 875 s for
// v2.25.0 and 561 s for v2.31.0 (2 shards), plus ~1 minute per ref for the comparison with plain runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateText } from '../../src/config-text.js';
import { mutatedConfigs } from '../fixtures/mutations.js';
import { prepareBatch, runBatch, type Batch, type BatchJob, type BatchOutcome } from './kubespray-batch.js';
import { realKubespray } from './real-kubespray.js';

/**
 * kspray's rules that reject configs kubespray's inventory checks accept, and why kspray is stricter: mostly what
 * kubespray finds only on a live host or in a running cluster, or never (the setting silently does not apply).
 */
const ksprayOnly: Record<string, string> = {
  'address/reserved':
    "loopback, unspecified, multicast, broadcast, link-local and reserved addresses cannot carry node, API or DNS traffic; kubespray's inventory checks never look at an address (its own address check needs the live host)",
  'address/reserved-range':
    "a pod, service or MetalLB range in a reserved block (loopback, 0.0.0.0/8, multicast, link-local, 240.0.0.0/4) is not routable; kubespray checks only the ranges' sizes",
  'hosts/bad-ip':
    "an ip that is not a plain IPv4 address goes unchecked into kubelet's and etcd's flags and fails mid-deploy",
  'hosts/bad-address':
    "an address that is neither IPv4 nor a host name fails at the first SSH connection; kubespray does not check ansible_host",
  'hosts/ip-required':
    "with an IPv6 or name address and no ip, kubespray takes the node address from the live host's default route, which kspray cannot check",
  'network/node-in-range':
    "a node address inside the pod, service or MetalLB range is routed into the cluster network; kubespray does not compare node addresses with the ranges",
  'network/overlap':
    "overlapping pod, service and MetalLB ranges break routing; kubespray checks each range alone",
  'network/service-subnet':
    "a service range with host bits set (or not a CIDR) goes to kubeadm, which refuses it at init",
  'network/service-too-small':
    "a service range without room for the cluster's own service addresses (the API's .1, CoreDNS's .3); kubespray checks only the pod range",
  'network/node-prefix':
    "kubespray checks one node's block against its max pods, not that the pod range holds a block for every node (the controller-manager then cannot give nodes a range)",
  'dns/domain':
    "a DNS domain that is not an RFC 1123 name: kubelet and CoreDNS refuse it; kubespray does not check dns_domain",
  'dns/nodelocal-in-range':
    "NodeLocal DNS's address is bound on every node: inside a cluster range it shadows real pods or services; kubespray does not check nodelocaldns_ip",
  'dns/nodelocal-is-node':
    "NodeLocal DNS's address is bound on every node: equal to a node's address it takes that node's address away",
  'dns/nodelocal-is-coredns': "NodeLocal DNS forwarding to its own address loops every query",
  'dns/nodelocal-ip':
    "NodeLocal DNS's address must be an IPv4 address; kubespray templates it into the manifests unchecked",
  'dns/upstream-loop':
    "an upstream server that is CoreDNS or NodeLocal DNS itself loops queries; kubespray does not check upstream_dns_servers",
  'dns/upstream-reserved':
    "a loopback, unspecified, multicast or broadcast upstream server does not answer from a pod",
  'dns/upstream': "an upstream server that is not an address: CoreDNS refuses its config",
  'paths/bad-file':
    "a relative or directory audit log path: the API server cannot open it; kubespray does not check the path",
  'paths/bad-dir':
    "a relative, empty or system directory for etcd data or containerd storage: kubespray creates it, and reset deletes it, unchecked",
  'paths/overlap':
    "etcd data inside containerd's storage (or the reverse): one component's cleanup deletes the other's data",
  'hosts/bad-label':
    "Kubernetes refuses such a label when the kubelet registers the node; kubespray passes node_labels through unchecked",
  'hosts/bad-taint':
    "Kubernetes refuses such a taint when the kubelet registers the node; kubespray passes node_taints through unchecked",
  'ssh/bad-user':
    "an SSH user with spaces, control characters, '@', ':' or a leading '-' breaks (or subverts) ssh; kubespray does not check ansible_user",
  'extra-vars/bad-name':
    "not an Ansible variable name: Ansible cannot use it, so the setting silently never applies; kubespray's checks never see it",
  'version/unsupported':
    "a Kubernetes version the release has no checksums for fails in kubespray's download role on the host; its inventory checks compare only with the minimum",
  'hosts/duplicate-role':
    "a role listed twice: the inventory is the same, but the config says something the author did not mean",
  'hosts/duplicate-name':
    "two hosts with one name: the inventory holds one of them and the other is silently dropped",
  'hosts/duplicate-address': "two hosts with one address: one machine would get two nodes' configuration",
  'hosts/duplicate-ip': "two hosts with one ip: etcd and the kubelets see one address for two nodes",
  'hosts/empty': "no hosts: nothing for any playbook to run on (kubespray's checks run on no host and pass)",
  'hosts/reserved-name':
    "a host named like a group kspray renders (bastion): the inventory's host and group collide",
  'etcd/duplicate-member-name': "two etcd members with one name: etcd refuses the second to join",
  'api-server/port-collision':
    "the API server port collides with one another component on the node binds (ssh, etcd, kubelet, kube-proxy, the controllers, BGP); kubespray does not check kube_apiserver_port",
  'calico/mode-value':
    "a Calico mode value Calico does not know: kubespray templates it into Calico's resources unchecked",
  'calico/legacy-var': "a Calico variable kubespray no longer reads: the setting silently never applies",
  'calico/ipip-vxlan': "IP-in-IP and VXLAN both on: Calico refuses the pool",
  'kubespray/not-bool':
    "a string where kubespray expects a boolean: 'yes' or 'true' is true in some of its conditions and false in others",
  'kubespray/containerd-config':
    "containerd_config is deprecated: v2.25 asserts it is undefined; v2.31 neither checks nor reads it, so the setting silently never applies",
  'metallb/bad-range':
    "a MetalLB pool entry that is no address range: MetalLB refuses the pool after deploy",
  'kubernetes/namespace':
    "a namespace that is not a DNS label: Kubernetes refuses to create it when the add-on is installed; kubespray does not check the namespace variables",
  'network/too-many-nodes':
    "more nodes than the pod range has Calico blocks for: the nodes beyond get no pod addresses; kubespray checks one node's block against its max pods only",
  'calico/block-size': "a Calico block larger than the pod range: Calico refuses the IP pool; kubespray's inventory checks do not compare the two",
  'version/kubernetes-format':
    "a Kubernetes version that is not MAJOR.MINOR.PATCH: kubespray's download role finds no checksum for it on the host; its inventory checks compare only with the minimum",
  'metallb/strict-arp':
    "kubespray asserts it only in its MetalLB role, on the hosts, after the cluster is built; kspray refuses it before anything runs",
  'calico/ipip-backend':
    "IP-in-IP needs BGP (bird): kubespray's Calico role checks the backend on the hosts during the deploy, not in its inventory checks",
  'metallb/no-pools': 'MetalLB without a pool gives no LoadBalancer an address; kubespray installs it anyway',
  'calico/pool-name': "a pool name Calico refuses: kubespray's Calico role templates it into the IPPool unchecked",
  'kubespray/admission-list':
    "admission plugins as one comma-separated string: kubespray's check looks for commas inside list items, and the string is then split into characters",
};

/** Configs kubespray rejects and kspray accepts, known and not fixed yet (each a kspray bug): `<ref> <mutant id>` → what is missing. */
const knownGaps: Record<string, string> = {};

const refs = [
  { ref: 'v2.25.0', tag: 'v2.25.0', kube: 'v1.29.5' },
  { ref: 'v2.31.0', tag: 'v2.31.0', kube: 'v1.34.3' },
];

// the homelab example's own release and Kubernetes version; a mutant that changed them keeps its value
const adapt = (yaml: string, r: (typeof refs)[number]) =>
  yaml.replace(/^(    version: )v2\.25\.0$/m, `$1${r.tag}`).replace(/^(  kubernetes:\n    version: )v1\.29\.5$/m, `$1${r.kube}`);

// KSPRAY_DIFF_COUNT: a smaller sample (every family still in it) for a quick local run; 0 leaves only the broken corpus
const count = process.env.KSPRAY_DIFF_COUNT === undefined ? undefined : Number(process.env.KSPRAY_DIFF_COUNT);
const brokenDir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'broken');
// the hand-written broken configs too, each judged by the release it names (most name v2.25.0)
const broken = fs.readdirSync(brokenDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ id: `broken/${f}`, yaml: fs.readFileSync(path.join(brokenDir, f), 'utf8') }));
const mutants = [...(count === 0 ? [] : mutatedConfigs(count ? { count } : {})), ...broken];
const shards = Math.max(1, Math.min(os.availableParallelism(), 8));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kspray-diff-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(refs)('kspray and kubespray $ref agree on the mutated corpus', (r) => {
  const rk = realKubespray(r.ref);
  const skip = 'skip' in rk ? rk.skip : undefined;
  const state: { batches?: Batch[]; jobs?: BatchJob[]; outcomes?: BatchOutcome[] } = {};

  it.skipIf(skip)(`every renderable mutant: no crash, nothing only kubespray rejects, every kspray-only rejection explained${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 3_600_000 }, async () => {
    const { dir, venv } = rk as { dir: string; venv: string };
    const crashes: string[] = [];
    const unrepresentable: string[] = [];
    // a mutant naming another release is that release's checkout's to judge, not this one's
    const otherRelease: string[] = [];
    const jobs: (BatchJob & { errors: { rule: string; message: string }[] })[] = [];
    for (const m of mutants) {
      const text = adapt(m.yaml, r);
      try {
        const v = validateText(text);
        if (!v.cluster) unrepresentable.push(`${m.id}: ${v.errors.map((e) => e.rule).join(', ')}`);
        else if (v.cluster.config.spec.kubespray.version !== r.tag) otherRelease.push(`${m.id}: ${v.cluster.config.spec.kubespray.version}`);
        else jobs.push({ id: m.id, text, cluster: v.cluster, errors: v.errors });
      } catch (e) {
        crashes.push(`${m.id}: kspray validate threw ${String(e)}`);
      }
    }
    const batches = await Promise.all(Array.from({ length: shards }, (_, k) => prepareBatch(dir, venv, fs.mkdtempSync(path.join(tmp, `${r.ref}-${k}-`)))));
    const began = Date.now();
    const outcomes = await runBatch(batches, jobs, { inProcessWorkers: true });
    const seconds = (Date.now() - began) / 1000;
    Object.assign(state, { batches, jobs, outcomes });

    const kubesprayOnly: string[] = [];
    const unexplained: string[] = [];
    const byRule = new Map<string, number>();
    let agree = 0;
    for (const [n, j] of jobs.entries()) {
      const o = outcomes[n]!;
      if (o.crash) crashes.push(`${j.id}: ${o.crash}`);
      const ks = o.problems;
      if (ks.length && !j.errors.length) {
        if (!knownGaps[`${r.ref} ${j.id}`]) kubesprayOnly.push(`${j.id}: ${ks.map((p) => `${p.rule} at ${p.path}: ${p.message}`).join(' | ')}`);
      } else if (!ks.length && j.errors.length) {
        for (const e of j.errors) {
          byRule.set(e.rule, (byRule.get(e.rule) ?? 0) + 1);
          if (!ksprayOnly[e.rule]) unexplained.push(`${j.id}: ${e.rule}: ${e.message}`);
        }
      } else agree++;
    }
    // KSPRAY_DIFF_REPORT: where to write every verdict, to review the tables below
    if (process.env.KSPRAY_DIFF_REPORT)
      fs.writeFileSync(`${process.env.KSPRAY_DIFF_REPORT}.${r.ref}.json`, JSON.stringify({ unrepresentable, otherRelease, kubesprayOnly, unexplained, byRule: Object.fromEntries(byRule), verdicts: jobs.map((j, n) => ({ id: j.id, kspray: j.errors.map((e) => e.rule), kubespray: outcomes[n]!.problems.map((p) => `${p.rule}: ${p.message}`), seconds: outcomes[n]!.seconds })) }, null, 1));
    const ran = new Set(outcomes.map((o) => o.shared ?? o.id)).size;
    console.log(
      `kubespray ${r.ref}: ${mutants.length} mutants, ${unrepresentable.length} not representable as an inventory, ${otherRelease.length} for another release, ${jobs.length} checked ` +
        `(${ran} distinct inventories, ${shards} shard(s), ${seconds.toFixed(0)} s): ${agree} agree, ${[...byRule.values()].reduce((a, b) => a + b, 0)} kspray-only rejections by ${byRule.size} rules`,
    );
    expect(unrepresentable.length + otherRelease.length + jobs.length + crashes.filter((c) => c.includes('validate threw')).length).toBe(mutants.length);
    expect(crashes).toEqual([]);
    expect(kubesprayOnly, 'configs kubespray rejects and kspray accepts').toEqual([]);
    expect(unexplained, 'kspray-only rejections by a rule not in the ksprayOnly table').toEqual([]);
    // a known gap leaves the list when kspray rejects the config (or kubespray accepts it)
    const gap = (n: number) => outcomes[n]!.problems.length > 0 && !jobs[n]!.errors.length;
    const stale = jobs.flatMap((j, n) => (knownGaps[`${r.ref} ${j.id}`] && !gap(n) ? [j.id] : []));
    expect(stale, 'knownGaps entries that are no longer gaps').toEqual([]);
  });

  it.skipIf(skip)('the batched run gives the events plain ansible-playbook runs give (passing and failing mutants, late in their shard)', async () => {
    if (!state.outcomes) throw new Error('the corpus run did not finish');
    const { jobs, outcomes, batches } = state as Required<typeof state>;
    // from the end of the corpus: whatever a run leaves behind in the process would show there
    const late = [...jobs.keys()].reverse().filter((n) => !outcomes[n]!.crash && !outcomes[n]!.shared);
    const pick = (failing: boolean) => late.filter((n) => Boolean(outcomes[n]!.problems.length) === failing).slice(0, 3);
    const sample = [...pick(true), ...pick(false)];
    expect(sample.length).toBeGreaterThanOrEqual(4);
    const plain = await runBatch([batches[0]!], sample.map((n) => jobs[n]!), { separateProcesses: true });
    for (const [k, n] of sample.entries()) {
      expect(plain[k]!.crash, jobs[n]!.id).toBeUndefined();
      expect(plain[k]!.events.length, jobs[n]!.id).toBeGreaterThan(20);
      expect(outcomes[n]!.events, jobs[n]!.id).toEqual(plain[k]!.events);
    }
  });
});
