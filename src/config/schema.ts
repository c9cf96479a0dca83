// The kspray.yaml schema: single source of truth for validation, defaults, editor help (JSON Schema) and docs.
// No transforms here (JSON Schema cannot express them); derived values live in normalize.ts.
import { z } from 'zod';

// kspray parses one document per process: zod's JIT (new Function per object schema) costs more than it saves
z.config({ jitless: true });

const hostName = z
  .string()
  .min(1)
  .describe('Inventory host name; becomes the node name and the etcd certificate name, never rename it');
const address = z.string().min(1).describe('Address kspray and Ansible use to reach the host over SSH (ansible_host)');
const ipv4 = z.string().min(1);

export const roleValues = ['control-plane', 'etcd', 'worker'] as const;
export const Role = z.enum(roleValues);

const SshSettings = z.strictObject({
  user: z.string().min(1).optional().describe('SSH user (needs sudo)'),
  port: z.number().int().min(1).max(65535).optional().describe('SSH port'),
  keyFile: z.string().min(1).optional().describe('Private key file; ssh-agent is used when unset'),
});

export const Bastion = z
  .strictObject({
    address: z.string().min(1).describe('Address of the jump host'),
    user: z.string().min(1).optional().describe('SSH user on the jump host (defaults to spec.ssh.user)'),
    port: z.number().int().min(1).max(65535).default(22).describe('SSH port of the jump host'),
  })
  .describe('SSH jump host; rendered as the kubespray host named `bastion`');

export const Host = z.strictObject({
  name: hostName,
  address,
  ip: ipv4.optional().describe('Internal IPv4 the node binds services to (kubespray `ip`); defaults to address'),
  accessIp: ipv4.optional().describe('IPv4 other nodes use to reach this node (kubespray `access_ip`); defaults to ip'),
  roles: z.array(Role).min(1).describe('control-plane, etcd and/or worker'),
  labels: z.record(z.string(), z.string()).optional().describe('Node labels (kubespray node_labels)'),
  taints: z
    .array(z.string())
    .optional()
    .describe('Node taints as "key=value:Effect" (kubespray node_taints)'),
  failureDomain: z
    .string()
    .min(1)
    .optional()
    .describe('What fails together with this host (e.g. the hypervisor pve1, a rack or a zone); `kspray docs` computes what losing each one costs'),
  ssh: SshSettings.optional().describe('Per-host SSH overrides'),
  etcdMemberName: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label')
    .optional()
    .describe('etcd member name; defaults to etcd<N> by position, as kubespray does (kspray pins it when membership changes)'),
  pending: z
    .boolean()
    .optional()
    .describe('Set by kspray when an add-node run did not finish; the host is rendered but flagged'),
  groups: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an Ansible group name (letters, digits, "_")'))
    .optional()
    .describe('Further inventory groups this host belongs to (beyond those its roles give), e.g. groups that carry spec.groupVars'),
  vars: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Any other per-host kubespray/Ansible variable, rendered verbatim as a host variable in hosts.yaml (wins over the modelled ones)'),
  remove: z
    .boolean()
    .optional()
    .describe('Marked for removal: `kspray plan` and `kspray apply` remove the node, then drop it from the file (a host that just disappears is refused)'),
});
export type HostInput = z.input<typeof Host>;

export const Containerd = z.strictObject({
  storageDir: z.string().default('/var/lib/containerd').describe('containerd_storage_dir'),
  maxContainerLogLineSize: z
    .number()
    .int()
    .min(-1)
    .optional()
    .describe('containerd_max_container_log_line_size (kubespray default -1 up to v2.26, 16384 from v2.27)'),
  grpcMaxRecvMessageSize: z.number().int().positive().optional().describe('containerd_grpc_max_recv_message_size'),
  grpcMaxSendMessageSize: z.number().int().positive().optional().describe('containerd_grpc_max_send_message_size'),
});

export const ContainerRuntime = z.strictObject({
  type: z.enum(['containerd', 'crio', 'docker']).default('containerd').describe('container_manager'),
  containerd: Containerd.default({ storageDir: '/var/lib/containerd' }).describe('containerd settings'),
});

export const EtcdBackup = z.strictObject({
  dir: z.string().default('./backups').describe('Where snapshots are stored on the operator machine (relative to this file)'),
  keep: z.number().int().min(1).default(7).describe('Number of snapshots kept per cluster'),
  maxAgeDays: z.number().int().min(1).optional().describe('Delete snapshots older than this many days (the newest is always kept)'),
  ageRecipients: z
    .array(z.string().min(1))
    .optional()
    .describe('age recipients (age1...); when set, stored snapshots are encrypted with age'),
});

export const Etcd = z.strictObject({
  deploymentType: z
    .enum(['host', 'docker', 'kubeadm'])
    .default('host')
    .describe('etcd_deployment_type: host (systemd service), docker, or kubeadm (static pods)'),
  dataDir: z.string().default('/var/lib/etcd').describe('etcd_data_dir'),
  quotaBackendBytes: z.number().int().positive().optional().describe('etcd_quota_backend_bytes'),
  memoryLimit: z
    .string()
    .regex(/^\d+[KMG]?$/, 'must look like 512M or 2048M')
    .optional()
    .describe('etcd_memory_limit (kubespray applies it only to docker-deployed etcd)'),
  backup: EtcdBackup.default({ dir: './backups', keep: 7 }).describe('kspray etcd-backup settings'),
});

export const Calico = z.strictObject({
  encapsulation: z
    .enum(['ipip', 'vxlan', 'none'])
    .default('vxlan')
    .describe('ipip (calico_ipip_mode), vxlan (calico_vxlan_mode) or none; IPIP and VXLAN are mutually exclusive'),
  encapsulationMode: z
    .enum(['Always', 'CrossSubnet'])
    .default('Always')
    .describe('When encapsulation applies: Always or CrossSubnet'),
  dataplane: z.enum(['iptables', 'ebpf']).default('iptables').describe('iptables, or ebpf (calico_bpf_enabled)'),
  blockSize: z.number().int().min(20).max(32).default(26).describe('calico_pool_blocksize; cannot change after the first deploy'),
  networkBackend: z
    .enum(['bird', 'vxlan', 'none'])
    .optional()
    .describe('calico_network_backend; defaults to bird for ipip, vxlan for vxlan'),
  poolName: z.string().optional().describe('calico_pool_name'),
});

export const Network = z.strictObject({
  plugin: z
    .enum(['calico', 'cilium', 'flannel', 'kube-ovn', 'kube-router', 'macvlan', 'weave', 'cni', 'custom_cni', 'cloud', 'none'])
    .default('calico')
    .describe('kube_network_plugin'),
  podSubnet: z.string().default('10.233.64.0/18').describe('kube_pods_subnet'),
  serviceSubnet: z.string().default('10.233.0.0/18').describe('kube_service_addresses'),
  nodePrefix: z.number().int().min(8).max(32).default(24).describe('kube_network_node_prefix: per-node pod range'),
  maxPodsPerNode: z.number().int().min(1).default(110).describe('kubelet_max_pods'),
  calico: Calico.default({ encapsulation: 'vxlan', encapsulationMode: 'Always', dataplane: 'iptables', blockSize: 26 }).describe(
    'Calico settings (used when plugin is calico)',
  ),
});

export const KubeProxy = z.strictObject({
  mode: z.enum(['iptables', 'ipvs', 'nftables']).default('ipvs').describe('kube_proxy_mode (nftables from kubespray v2.28)'),
  strictArp: z.boolean().default(false).describe('kube_proxy_strict_arp (an ipvs setting; required for MetalLB with ipvs)'),
});

export const Dns = z.strictObject({
  mode: z.enum(['coredns', 'coredns_dual', 'manual', 'none']).default('coredns').describe('dns_mode'),
  domain: z
    .string()
    .optional()
    .describe('dns_domain; kubespray derives it from cluster_name (metadata.name) when unset'),
  nodelocaldns: z
    .strictObject({
      enabled: z.boolean().default(true).describe('enable_nodelocaldns'),
      ip: z.string().default('169.254.25.10').describe('nodelocaldns_ip (link-local)'),
    })
    .default({ enabled: true, ip: '169.254.25.10' }),
  upstreamServers: z.array(z.string()).optional().describe('upstream_dns_servers'),
});

export const ApiServer = z.strictObject({
  port: z.number().int().min(1).max(65535).default(6443).describe('kube_apiserver_port'),
  loadBalancer: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('local'),
        proxy: z.enum(['nginx', 'haproxy']).default('nginx').describe('loadbalancer_apiserver_type'),
      }),
      z.strictObject({
        type: z.literal('external'),
        address: z.string().min(1).describe('loadbalancer_apiserver.address'),
        port: z.number().int().min(1).max(65535).default(6443).describe('loadbalancer_apiserver.port'),
        domainName: z.string().optional().describe('apiserver_loadbalancer_domain_name'),
      }),
    ])
    .default({ type: 'local', proxy: 'nginx' })
    .describe('local: a proxy on every node (loadbalancer_apiserver_localhost); external: your own LB'),
});

export const MetallbPool = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label'),
  addresses: z.array(z.string()).min(1).describe('CIDRs or "first-last" ranges'),
  autoAssign: z.boolean().default(true),
  mode: z.enum(['layer2', 'layer3']).default('layer2'),
});

export const Addons = z.strictObject({
  metallb: z
    .strictObject({
      enabled: z.boolean().default(false).describe('metallb_enabled'),
      namespace: z.string().default('metallb-system').describe('metallb_namespace'),
      pools: z.array(MetallbPool).default([]).describe('metallb_config.address_pools'),
    })
    .default({ enabled: false, namespace: 'metallb-system', pools: [] }),
  certManager: z
    .strictObject({
      enabled: z.boolean().default(false).describe('cert_manager_enabled'),
      namespace: z.string().default('cert-manager'),
    })
    .default({ enabled: false, namespace: 'cert-manager' }),
  argocd: z
    .strictObject({
      enabled: z.boolean().default(false).describe('argocd_enabled'),
      namespace: z.string().default('argocd'),
      version: z.string().optional().describe('argocd_version (release default when unset)'),
    })
    .default({ enabled: false, namespace: 'argocd' }),
});

export const Security = z.strictObject({
  auditLog: z
    .strictObject({
      enabled: z.boolean().default(false).describe('kubernetes_audit'),
      path: z.string().default('/var/log/audit/kube-apiserver-audit.log').describe('audit_log_path'),
      maxAgeDays: z.number().int().min(1).default(30).describe('audit_log_maxage'),
      maxBackups: z.number().int().min(1).default(10).describe('audit_log_maxbackups'),
      maxSizeMb: z.number().int().min(1).default(100).describe('audit_log_maxsize'),
    })
    .default({ enabled: false, path: '/var/log/audit/kube-apiserver-audit.log', maxAgeDays: 30, maxBackups: 10, maxSizeMb: 100 }),
  encryptSecrets: z
    .strictObject({
      enabled: z.boolean().default(false).describe('kube_encrypt_secret_data'),
      provider: z.enum(['secretbox', 'aescbc', 'aesgcm', 'identity', 'kms']).default('secretbox').describe('kube_encryption_algorithm'),
    })
    .default({ enabled: false, provider: 'secretbox' }),
  podSecurity: z
    .strictObject({
      enabled: z.boolean().default(false).describe('kube_pod_security_use_default'),
      enforce: z.enum(['privileged', 'baseline', 'restricted']).default('baseline'),
      audit: z.enum(['privileged', 'baseline', 'restricted']).default('restricted'),
      warn: z.enum(['privileged', 'baseline', 'restricted']).default('restricted'),
      exemptNamespaces: z.array(z.string()).default(['kube-system']),
    })
    .default({ enabled: false, enforce: 'baseline', audit: 'restricted', warn: 'restricted', exemptNamespaces: ['kube-system'] }),
  autoRenewCertificates: z
    .strictObject({
      enabled: z.boolean().default(false).describe('auto_renew_certificates'),
      calendar: z.string().default('Mon *-*-1,2,3,4,5,6,7 03:00:00').describe('auto_renew_certificates_systemd_calendar'),
    })
    .default({ enabled: false, calendar: 'Mon *-*-1,2,3,4,5,6,7 03:00:00' }),
  certificates: z
    .strictObject({
      warnDays: z.number().int().min(1).default(30).describe('kspray certs / health: warn when a certificate expires within this many days'),
    })
    .default({ warnDays: 30 }),
});

export const Kubespray = z.strictObject({
  version: z.string().describe('kubespray release tag, e.g. v2.25.0'),
  path: z.string().default('./kubespray').describe('kubespray checkout (relative to this file)'),
  venv: z.string().optional().describe('virtualenv holding ansible-playbook for this release (default: kspray cache)'),
  repository: z.string().optional().describe('git URL `kspray setup` clones from'),
});

export const Spec = z.strictObject({
  kubespray: Kubespray,
  kubernetes: z.strictObject({
    version: z.string().describe('Kubernetes version, e.g. v1.29.5 (rendered in the format the kubespray release expects)'),
  }),
  ssh: z
    .strictObject({
      user: z.string().min(1).optional().describe('Default SSH user (needs sudo)'),
      port: z.number().int().min(1).max(65535).default(22),
      keyFile: z.string().optional().describe('Default private key; ssh-agent when unset'),
      knownHostsFile: z.string().optional().describe('Pinned host keys (default .kspray/<cluster>/known_hosts)'),
      bastion: Bastion.optional(),
    })
    .default({ port: 22 }),
  hosts: z.array(Host).describe('Every node of the cluster'),
  containerRuntime: ContainerRuntime.default({ type: 'containerd', containerd: { storageDir: '/var/lib/containerd' } }),
  etcd: Etcd.default({ deploymentType: 'host', dataDir: '/var/lib/etcd', backup: { dir: './backups', keep: 7 } }),
  network: Network.default({
    plugin: 'calico',
    podSubnet: '10.233.64.0/18',
    serviceSubnet: '10.233.0.0/18',
    nodePrefix: 24,
    maxPodsPerNode: 110,
    calico: { encapsulation: 'vxlan', encapsulationMode: 'Always', dataplane: 'iptables', blockSize: 26 },
  }),
  kubeProxy: KubeProxy.default({ mode: 'ipvs', strictArp: false }),
  dns: Dns.default({ mode: 'coredns', nodelocaldns: { enabled: true, ip: '169.254.25.10' } }),
  apiServer: ApiServer.default({ port: 6443, loadBalancer: { type: 'local', proxy: 'nginx' } }),
  addons: Addons.default({
    metallb: { enabled: false, namespace: 'metallb-system', pools: [] },
    certManager: { enabled: false, namespace: 'cert-manager' },
    argocd: { enabled: false, namespace: 'argocd' },
  }),
  security: Security.default(Security.parse({})),
  extraVars: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Any other kubespray variable, rendered verbatim into group_vars/all/zz-kspray-extra.yml'),
  groupVars: z
    // group names are checked by a rule (config/rules/names.ts): a checked key would keep the compiled parser from answering
    .record(z.string(), z.record(z.string(), z.unknown()))
    .optional()
    .describe('Variables for one inventory group (e.g. kube_control_plane, kube_node, or a group named in hosts[].groups), rendered verbatim into group_vars/<group>/zz-kspray-group-vars.yml; a modelled variable named here is rendered only from here'),
});

export const ClusterConfig = z.strictObject({
  apiVersion: z.literal('kspray.io/v1alpha1').describe('Always kspray.io/v1alpha1'),
  kind: z.literal('Cluster'),
  metadata: z.strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be lower-case letters, digits, "-" or "."')
      .describe('Cluster name (kubespray cluster_name)'),
  }),
  spec: Spec,
});

export type ClusterConfigInput = z.input<typeof ClusterConfig>;
export type ClusterConfig = z.output<typeof ClusterConfig>;
export type Host = ClusterConfig['spec']['hosts'][number];
export type Spec = ClusterConfig['spec'];
