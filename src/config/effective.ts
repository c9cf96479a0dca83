// extraVars win over modelled settings when rendered, so the rules must judge the value that will be rendered:
// the modelled fields an extraVars key stands for are overwritten with its value before the rules run.
import { formatPath, type PathSegment, type Problem } from './problems.js';

type Kind = 'string' | 'int' | 'bool' | 'list';
/** kubespray variable → the modelled field it overrides (the same variable group-vars.ts renders from that field) */
const overridable: Record<string, [PathSegment[], Kind]> = {
  kube_version: [['spec', 'kubernetes', 'version'], 'string'],
  kube_network_plugin: [['spec', 'network', 'plugin'], 'string'],
  kube_pods_subnet: [['spec', 'network', 'podSubnet'], 'string'],
  kube_service_addresses: [['spec', 'network', 'serviceSubnet'], 'string'],
  kube_network_node_prefix: [['spec', 'network', 'nodePrefix'], 'int'],
  kubelet_max_pods: [['spec', 'network', 'maxPodsPerNode'], 'int'],
  calico_pool_blocksize: [['spec', 'network', 'calico', 'blockSize'], 'int'],
  kube_apiserver_port: [['spec', 'apiServer', 'port'], 'int'],
  kube_proxy_mode: [['spec', 'kubeProxy', 'mode'], 'string'],
  kube_proxy_strict_arp: [['spec', 'kubeProxy', 'strictArp'], 'bool'],
  dns_domain: [['spec', 'dns', 'domain'], 'string'],
  dns_mode: [['spec', 'dns', 'mode'], 'string'],
  enable_nodelocaldns: [['spec', 'dns', 'nodelocaldns', 'enabled'], 'bool'],
  nodelocaldns_ip: [['spec', 'dns', 'nodelocaldns', 'ip'], 'string'],
  upstream_dns_servers: [['spec', 'dns', 'upstreamServers'], 'list'],
  container_manager: [['spec', 'containerRuntime', 'type'], 'string'],
  containerd_storage_dir: [['spec', 'containerRuntime', 'containerd', 'storageDir'], 'string'],
  etcd_deployment_type: [['spec', 'etcd', 'deploymentType'], 'string'],
  etcd_data_dir: [['spec', 'etcd', 'dataDir'], 'string'],
  audit_log_path: [['spec', 'security', 'auditLog', 'path'], 'string'],
};

export const isTemplate = (v: unknown) => typeof v === 'string' && /\{\{|\{%/.test(v);

/** The modelled field (dot path) an extraVars key overrides, if it overrides one. */
export const overriddenField = (key: string): string | undefined => (Object.hasOwn(overridable, key) ? formatPath(overridable[key]![0]) : undefined);

/** The value as Ansible would use it where kubespray filters it (`| int`, `| bool`); anything else is judged as written. */
function coerce(v: unknown, kind: Kind): unknown {
  if (kind === 'int' && typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  if (kind === 'bool' && typeof v === 'string' && /^(true|false|yes|no)$/i.test(v)) return /^(true|yes)$/i.test(v);
  return v;
}

export interface Effective {
  input: unknown;
  /** modelled field path (dot form) → the extraVars key whose value replaced it */
  from: Map<string, string>;
}

/** The document with every modelled field an extraVars key overrides set to that key's value; undefined when none does. */
export function effectiveInput(input: unknown, extraVars: Record<string, unknown>): Effective | undefined {
  const from = new Map<string, string>();
  let out: unknown;
  for (const [key, [path, kind]] of Object.entries(overridable)) {
    if (!Object.hasOwn(extraVars, key) || isTemplate(extraVars[key])) continue;
    out ??= structuredClone(input);
    let cur = out as Record<PathSegment, unknown>;
    for (const seg of path.slice(0, -1)) {
      const next = cur[seg];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[seg] = {};
      cur = cur[seg] as Record<PathSegment, unknown>;
    }
    cur[path[path.length - 1]!] = coerce(extraVars[key], kind);
    from.set(formatPath(path), key);
  }
  return out === undefined ? undefined : { input: out, from };
}

/** Point a problem found on an overridden field at the extraVars key the value came from. */
export function pointAtExtraVars(p: Problem, from: Map<string, string>): Problem {
  // a message naming another overridden field ("overlaps the pod subnet ... (spec.network.podSubnet)") names its source
  let message = p.message;
  let named: string | undefined;
  for (const [field, key] of from)
    if (message.includes(`(${field})`)) {
      message = message.split(`(${field})`).join(`(spec.extraVars.${key})`);
      named ??= key;
    }
  if (message !== p.message) p = { ...p, message };
  const own = [...from.keys()].some((f) => p.path === f || p.path.startsWith(`${f}.`) || p.path.startsWith(`${f}[`));
  // a clash between a modelled field and an overriding extraVar belongs at the override, where the user changed something
  if (named !== undefined && !own) return { ...p, path: `spec.extraVars.${named}`, message: `${p.message}, found checking ${p.path}` };
  for (const [field, key] of from) {
    if (p.path !== field && !p.path.startsWith(`${field}.`) && !p.path.startsWith(`${field}[`)) continue;
    const rest = p.path.slice(field.length);
    const path = `spec.extraVars.${key}${rest}`;
    const fix = `${p.fix ? `${p.fix} ` : ''}(the value comes from spec.extraVars.${key}, which overrides ${field})`;
    return { ...p, path, fix };
  }
  return p;
}
