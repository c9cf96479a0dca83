// The architecture document as data: `kspray docs -o json` prints it, the markdown renderer reads it, and
// schema/kspray-docs.schema.json is generated from it (scripts/generate-schema.ts).
import { z } from 'zod';

const check = z.strictObject({
  id: z.string().describe('stable check id, e.g. metallb/l2-outside-node-segment'),
  severity: z.enum(['ok', 'warning', 'error']),
  message: z.string(),
  fix: z.string().optional(),
});

const segment = z.strictObject({
  name: z.string(),
  cidr: z.string().describe('a CIDR or a first-last range'),
  purpose: z.string(),
  addresses: z.number().int().describe('every address in the range'),
  usable: z.number().int().describe('addresses the range hands out'),
  source: z.string().describe('the config key or kubespray variable the range comes from'),
  notes: z.array(z.string()),
});

const port = z.strictObject({ port: z.number().int(), protocol: z.enum(['tcp', 'udp', 'ip']), purpose: z.string() });

const component = z.strictObject({
  name: z.string(),
  version: z.string().optional(),
  versionSource: z.enum(['config', 'checkout', 'release-table', 'kubernetes', 'unknown']).describe('where the version was read'),
  runsOn: z.string(),
  ports: z.array(port),
  kubesprayVars: z.array(z.string()).describe('the kubespray variables behind its settings'),
  settings: z.array(z.string()),
});

const scenario = z.strictObject({
  scenario: z.string(),
  nodesLost: z.array(z.string()),
  etcdMembersLeft: z.number().int(),
  etcdQuorum: z.boolean(),
  controlPlanesLeft: z.number().int(),
  apiReachable: z.boolean(),
  schedulableNodesLeft: z.number().int(),
  schedulablePodsLeft: z.number().int(),
  verdict: z.string(),
});

const hardware = z.strictObject({
  cpus: z.number().int().optional(),
  memoryMb: z.number().int().optional(),
  disks: z.array(z.strictObject({ name: z.string(), bytes: z.number().int() })).optional(),
  os: z.string().optional(),
  kernel: z.string().optional(),
});

const live = z.strictObject({
  collectedAt: z.string().describe('when kspray docs --live read the cluster (ISO 8601)'),
  factCache: z.string().describe("the Ansible fact cache directory the hardware was read from"),
  nodes: z.array(
    z.strictObject({
      name: z.string(),
      cachedFacts: z.boolean().describe('false: the fact cache holds nothing for this host (not deployed from here yet)'),
      hardware,
      from: z.record(z.string(), z.enum(['facts', 'kubernetes'])).describe('per hardware field: the fact cache, or the Node status where the cache lacks it'),
    }),
  ),
  kubernetes: z.strictObject({
    reachable: z.boolean(),
    server: z.string(),
    error: z.string().optional(),
    hint: z.string().optional(),
    nodes: z.number().int().optional(),
    allocatableCpuMilli: z.number().int().optional(),
    allocatableMemoryBytes: z.number().int().optional(),
    pods: z.number().int().optional().describe('pods bound to a node and not finished'),
    requestedCpuMilli: z.number().int().optional(),
    requestedMemoryBytes: z.number().int().optional(),
  }),
  certificate: z.union([
    z.strictObject({ found: z.literal(true), what: z.string(), subject: z.string(), notAfter: z.string(), daysLeft: z.number().int() }),
    z.strictObject({ found: z.literal(false), reason: z.string() }),
  ]),
});

export const DocModel = z.strictObject({
  format: z.literal('kspray-docs/v1'),
  source: z.strictObject({ file: z.string(), sha256: z.string() }),
  cluster: z.strictObject({
    name: z.string(),
    kubernetes: z.string(),
    kubespray: z.string(),
    releaseFacts: z.enum(['checkout', 'release-table', 'none']).describe("where the release's default versions come from"),
    containerRuntime: z.string(),
    cni: z.strictObject({ plugin: z.string(), mode: z.string().optional(), dataplane: z.string().optional() }),
    kubeProxy: z.strictObject({ mode: z.string(), strictArp: z.boolean() }),
    apiServerLoadBalancing: z.string(),
    dnsDomain: z.string(),
    nodes: z.strictObject({ total: z.number().int(), controlPlanes: z.number().int(), etcd: z.number().int(), workers: z.number().int() }),
  }),
  nodes: z.array(
    z.strictObject({
      name: z.string(),
      roles: z.array(z.string()),
      address: z.string(),
      ip: z.string(),
      accessIp: z.string(),
      failureDomain: z.string(),
      failureDomainFromConfig: z.boolean().describe('false: the host is its own failure domain (no failureDomain set)'),
      etcdMemberName: z.string().optional(),
      schedulable: z.boolean(),
      labels: z.record(z.string(), z.string()),
      taints: z.array(z.string()),
      pending: z.boolean(),
    }),
  ),
  network: z.strictObject({
    nodeSegments: z.array(z.strictObject({ cidr: z.string(), assumed: z.boolean(), hosts: z.array(z.string()) })),
    segments: z.array(segment),
    apiServerServiceIp: z.string().optional(),
    coreDnsServiceIp: z.string().optional(),
    nodeLocalDns: z.strictObject({ enabled: z.boolean(), ip: z.string() }),
    upstreamDns: z.array(z.string()),
    checks: z.array(check),
  }),
  components: z.array(component),
  security: z.array(z.strictObject({ topic: z.string(), state: z.string(), kubesprayVars: z.array(z.string()) })),
  highAvailability: z.strictObject({
    etcd: z.strictObject({ members: z.number().int(), quorum: z.number().int(), toleratedFailures: z.number().int(), deployment: z.string() }),
    controlPlanes: z.number().int(),
    apiServerPath: z.array(z.string()),
    scenarios: z.array(scenario),
  }),
  capacity: z.strictObject({
    plugin: z.string(),
    allocation: z.string().describe('how the pod subnet is handed to nodes'),
    maxPodsPerNode: z.number().int(),
    podsPerNode: z.number().int(),
    schedulableNodes: z.number().int(),
    schedulablePods: z.number().int(),
    podsLimitedBy: z.enum(['max-pods', 'pod-subnet']),
    podAddresses: z.number().int(),
    nodesAtMaxPods: z.number().int(),
    nodesAtOneBlock: z.number().int().optional(),
    blocksPerNode: z.number().int().optional(),
    nodeCount: z.number().int(),
    serviceIps: z.number().int().optional(),
    metallbAddresses: z.array(z.strictObject({ pool: z.string(), addresses: z.number().int() })),
  }).optional().describe('absent when the pod subnet cannot be evaluated'),
  backup: z.strictObject({
    dir: z.string(),
    keep: z.number().int(),
    maxAgeDays: z.number().int().optional(),
    encrypted: z.boolean(),
    schedule: z.string(),
    lastVerified: z.strictObject({ file: z.string(), time: z.string(), member: z.string(), size: z.number().int(), degraded: z.boolean() }).optional(),
  }),
  upgrade: z.strictObject({ current: z.string(), steps: z.array(z.strictObject({ kubespray: z.string(), kubernetes: z.string() })), note: z.string() }),
  diagrams: z.strictObject({ topology: z.string(), apiServerHa: z.string(), upgrade: z.string().optional() }),
  live: live.optional().describe('only with --live: what the running cluster and the fact cache say'),
});
export type DocModel = z.infer<typeof DocModel>;
export type DocCheck = z.infer<typeof check>;
export type DocSegment = z.infer<typeof segment>;
export type DocComponent = z.infer<typeof component>;
export type DocScenario = z.infer<typeof scenario>;
export type DocLive = z.infer<typeof live>;

export function docsJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(DocModel, { target: 'draft-2020-12' }),
    $id: 'https://kspray.io/schema/v1alpha1/kspray-docs.schema.json',
    title: 'kspray docs -o json',
  };
}
