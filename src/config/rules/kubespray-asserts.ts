// kubespray's own asserts that need no host (mostly roles/kubernetes/preinstall), caught before a 30-minute run fails on them.
import type { Rule } from './context.js';

const realBooleans = ['download_run_once', 'deploy_netchecker', 'download_always_pull', 'helm_enabled', 'openstack_lbaas_enabled'];
const calicoModes = ['Always', 'CrossSubnet', 'Never'] as const;
const versionVars = ['kube_version', 'etcd_version', 'calico_version', 'containerd_version', 'cilium_version', 'flannel_version', 'argocd_version', 'metallb_version', 'cert_manager_version', 'coredns_version'];

export const kubesprayAssertRules: Rule[] = [
  function pluginAndModes({ cluster, problems }) {
    const { spec } = cluster.config;
    const r = cluster.release;
    if (!r) return;
    if (!r.plugins.includes(spec.network.plugin))
      problems.error('kubespray/plugin', 'spec.network.plugin', `kubespray ${r.tag} does not support "${spec.network.plugin}"`, `use one of ${r.plugins.join(', ')}`);
    if (!r.proxyModes.includes(spec.kubeProxy.mode))
      problems.error('kubespray/proxy-mode', 'spec.kubeProxy.mode', `kube-proxy mode "${spec.kubeProxy.mode}" needs kubespray v2.28 or later`, `use ${r.proxyModes.join(' or ')}`);
    if (spec.network.plugin === 'none')
      problems.warn('kubespray/plugin-none', 'spec.network.plugin', 'no network plugin: nodes stay NotReady until you install one', 'install a CNI yourself after the deploy');
  },

  function autoRenewEverything({ cluster, problems }) {
    const { spec } = cluster.config;
    const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(spec.kubespray.version);
    if (!spec.security.autoRenewCertificates.enabled || !m) return;
    // kubespray's renewal timer renews every certificate on every run up to v2.31.0 (fixed after it, kubespray #13413)
    if (Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]) <= 2_031_000)
      problems.warn('kubespray/auto-renew-everything', 'spec.security.autoRenewCertificates.enabled',
        `kubespray ${spec.kubespray.version}'s renewal timer (k8s-certs-renew) renews every certificate on every run, not only those about to expire, and restarts the control plane each time (fixed after v2.31.0)`,
        'turn it off and renew with `kspray certs renew` when `kspray certs` or `kspray health` warns, or use a kubespray release after v2.31.0');
  },

  function etcdRuntime({ cluster, problems }) {
    const { spec } = cluster.config;
    if (spec.etcd.deploymentType === 'docker' && spec.containerRuntime.type !== 'docker')
      problems.error('kubespray/etcd-docker', 'spec.etcd.deploymentType', `etcd in docker needs the docker runtime, but the runtime is ${spec.containerRuntime.type}`, 'use deploymentType host (or kubeadm)');
  },

  function calico({ cluster, problems }) {
    const { spec } = cluster.config;
    if (spec.network.plugin !== 'calico') return;
    const k = spec.network.calico;
    if (k.encapsulation === 'ipip' && k.networkBackend && k.networkBackend !== 'bird')
      problems.error('calico/ipip-backend', 'spec.network.calico.networkBackend', `IPIP needs the bird backend, not ${k.networkBackend}`, 'set networkBackend: bird (or remove it)');
    if (k.encapsulation === 'vxlan' && k.networkBackend === 'bird')
      problems.warn('calico/vxlan-bird', 'spec.network.calico.networkBackend', 'VXLAN with the bird backend also runs BGP, which VXLAN does not need', 'set networkBackend: vxlan unless you peer with routers');
    if (k.poolName !== undefined && !/^[a-zA-Z0-9-_.]{2,63}$/.test(k.poolName))
      problems.error('calico/pool-name', 'spec.network.calico.poolName', `"${k.poolName}" is not a valid Calico pool name`, 'use 2–63 letters, digits, "-", "_" or "."');
    const extra = spec.extraVars;
    for (const legacy of ['ipip', 'ipip_mode', 'calcio_ipam_autoallocateblocks'])
      if (legacy in extra)
        problems.error('calico/legacy-var', `spec.extraVars.${legacy}`, `kubespray rejects the legacy variable ${legacy}`, 'use spec.network.calico.encapsulation instead');
    const ipip = extra.calico_ipip_mode ?? (k.encapsulation === 'ipip' ? k.encapsulationMode : 'Never');
    const vxlan = extra.calico_vxlan_mode ?? (k.encapsulation === 'vxlan' ? k.encapsulationMode : 'Never');
    for (const [key, allowed] of [['calico_ipip_mode', calicoModes], ['calico_vxlan_mode', calicoModes], ['calico_network_backend', ['bird', 'vxlan', 'none']]] as const)
      if (key in extra && !(allowed as readonly unknown[]).includes(extra[key]))
        problems.error('calico/mode-value', `spec.extraVars.${key}`, `${JSON.stringify(extra[key])} is not a ${key} kubespray accepts`, `use one of ${allowed.join(', ')} (case-sensitive)`);
    const override = ['calico_vxlan_mode', 'calico_ipip_mode'].find((key) => key in extra);
    if (ipip !== 'Never' && vxlan !== 'Never')
      problems.error('calico/ipip-vxlan', override ? `spec.extraVars.${override}` : 'spec.network.calico.encapsulation', `calico_ipip_mode ${String(ipip)} and calico_vxlan_mode ${String(vxlan)} are both on (kubespray: "IP in IP and VXLAN mode is mutualy exclusive modes")`, 'choose one with spec.network.calico.encapsulation and drop the extraVars override');
    if (k.dataplane === 'ebpf' && spec.kubeProxy.mode !== 'iptables' && spec.kubeProxy.mode !== 'ipvs')
      problems.error('calico/ebpf-proxy', 'spec.kubeProxy.mode', 'the Calico eBPF dataplane replaces kube-proxy', 'use the default kube-proxy mode; kubespray skips kube-proxy when eBPF is on');
  },

  function metallb({ cluster, problems }) {
    const { spec } = cluster.config;
    const m = spec.addons.metallb;
    if (!m.enabled) return;
    if (spec.kubeProxy.mode === 'ipvs' && !spec.kubeProxy.strictArp)
      problems.error('metallb/strict-arp', 'spec.kubeProxy.strictArp', 'MetalLB with kube-proxy in ipvs mode needs strict ARP (kubespray: "MetalLB require kube_proxy_strict_arp = true")', 'set spec.kubeProxy.strictArp: true');
    if (m.pools.length === 0)
      problems.error('metallb/no-pools', 'spec.addons.metallb.pools', 'MetalLB is enabled without an address pool, so no LoadBalancer gets an address', 'add a pool, e.g. { name: default, addresses: [192.168.100.0/24] }');
    const seen = new Set<string>();
    for (const [i, p] of m.pools.entries()) {
      if (seen.has(p.name)) problems.error('metallb/duplicate-pool', `spec.addons.metallb.pools[${i}].name`, `pool "${p.name}" is defined twice`, 'give each pool its own name');
      seen.add(p.name);
    }
    if ('matallb_auto_assign' in spec.extraVars)
      problems.error('metallb/misspelt', 'spec.extraVars.matallb_auto_assign', 'kubespray fails on the misspelt variable matallb_auto_assign', 'use autoAssign on the pool');
  },

  function extraVarsChoices({ cluster, problems }) {
    const extra = cluster.config.spec.extraVars;
    const r = cluster.release;
    // kubespray's "unsupported options" asserts for variables kspray does not model
    const choices: [string, readonly string[]][] = [
      ['cert_management', ['script', 'none']],
      ['resolvconf_mode', ['docker_dns', 'host_resolvconf', 'none']],
      ['cloud_provider', r && r.tag >= 'v2.27' ? ['external'] : ['gce', 'aws', 'azure', 'openstack', 'vsphere', 'oci', 'external']],
      ['external_cloud_provider', ['hcloud', 'huaweicloud', 'oci', 'openstack', 'vsphere', 'manual']],
    ];
    for (const [key, allowed] of choices)
      if (key in extra && !allowed.includes(extra[key] as string))
        problems.error('kubespray/choice', `spec.extraVars.${key}`, `${key} ${JSON.stringify(extra[key])} is not supported${r ? ` by kubespray ${r.tag}` : ''} ("The selected choice is not supported")`, `use ${allowed.join(', ')}`);
    if ('etcd_kubeadm_enabled' in extra) {
      // v2.28 asserts it is undefined; up to v2.27 a true value needs etcd_deployment_type kubeadm; v2.29 dropped both
      const v = extra.etcd_kubeadm_enabled;
      const on = v === true || (typeof v === 'string' && !/^(false|no|off|0|)$/i.test(v.trim())) || (typeof v === 'number' && v !== 0);
      const type = cluster.config.spec.etcd.deploymentType;
      const refused = r !== undefined && ((r.tag >= 'v2.28' && r.tag < 'v2.29') || (r.tag < 'v2.28' && on && type !== 'kubeadm'));
      const why = r && r.tag < 'v2.28' ? ` with etcd deploymentType ${type} (it needs kubeadm)` : '';
      const msg = `etcd_kubeadm_enabled is deprecated${refused ? ` and kubespray ${r.tag} refuses it${why}` : ''}`;
      const fix = 'remove it and set spec.etcd.deploymentType: kubeadm instead';
      if (refused) problems.error('kubespray/etcd-kubeadm-enabled', 'spec.extraVars.etcd_kubeadm_enabled', msg, fix);
      else problems.warn('kubespray/etcd-kubeadm-enabled', 'spec.extraVars.etcd_kubeadm_enabled', msg, fix);
    }
  },

  function extraVarsTypes({ cluster, problems }) {
    const extra = cluster.config.spec.extraVars;
    const r = cluster.release;
    for (const k of realBooleans)
      if (k in extra && typeof extra[k] !== 'boolean')
        problems.error('kubespray/not-bool', `spec.extraVars.${k}`, `${k} must be a real boolean, got ${JSON.stringify(extra[k])} (kubespray: "${k} isn't a bool")`, 'write true or false without quotes');
    if ('kube_apiserver_enable_admission_plugins' in extra && !Array.isArray(extra.kube_apiserver_enable_admission_plugins))
      problems.error('kubespray/admission-list', 'spec.extraVars.kube_apiserver_enable_admission_plugins', 'must be a list, not a comma-separated string', 'write it as a YAML list');
    if ('containerd_config' in extra)
      problems.error('kubespray/containerd-config', 'spec.extraVars.containerd_config', 'containerd_config is deprecated and kubespray refuses it', 'use the containerd_* variables (spec.containerRuntime.containerd)');
    if (extra.kube_external_ca_mode === true && cluster.config.spec.security.autoRenewCertificates.enabled)
      problems.error('kubespray/renew-external-ca', 'spec.security.autoRenewCertificates.enabled', 'automatic certificate renewal cannot work with an external CA', 'turn one of them off');
    const runtime = cluster.config.spec.containerRuntime.type;
    if (extra.download_localhost === true && extra.download_run_once !== true)
      problems.error('kubespray/download-localhost', 'spec.extraVars.download_localhost', 'download_localhost needs download_run_once: true (kubespray asserts it)', 'add download_run_once: true, or drop download_localhost');
    if (extra.kata_containers_enabled === true && runtime === 'docker')
      problems.error('kubespray/kata-docker', 'spec.extraVars.kata_containers_enabled', 'Kata Containers do not work with the docker runtime (kubespray asserts it)', 'use containerd or crio');
    if (extra.gvisor_enabled === true && runtime !== 'containerd')
      problems.error('kubespray/gvisor-runtime', 'spec.extraVars.gvisor_enabled', `gvisor_enabled needs the containerd runtime, but the runtime is ${runtime} (kubespray asserts it)`, 'use containerd, or drop gvisor_enabled');
    if (extra.dashboard_enabled === true && extra.rbac_enabled === false)
      problems.error('kubespray/dashboard-rbac', 'spec.extraVars.rbac_enabled', 'dashboard_enabled needs rbac_enabled (kubespray asserts it)', 'remove rbac_enabled: false, or disable the dashboard');
    if (!r) return;
    for (const k of r.removedVars)
      if (k in extra) problems.error('kubespray/removed-var', `spec.extraVars.${k}`, `kubespray ${r.tag} fails when ${k} is set (removed variable)`, 'remove it');
    for (const k of versionVars) {
      const v = extra[k];
      // a Jinja expression is resolved by Ansible; its result cannot be judged here
      if (typeof v !== 'string' || /\{\{|\{%/.test(v)) continue;
      if (!r.vPrefix && v.startsWith('v'))
        problems.error('kubespray/version-format', `spec.extraVars.${k}`, `kubespray ${r.tag} rejects versions with a leading "v" ("${v}")`, `write "${v.slice(1)}"`);
      else if (r.vPrefix && k === 'kube_version' && !v.startsWith('v'))
        problems.error('kubespray/version-format', `spec.extraVars.${k}`, `kubespray ${r.tag} expects kube_version with a leading "v" ("${v}")`, `write "v${v}", or better set spec.kubernetes.version`);
    }
    if ('enable_dual_stack_networks' in extra && r.tag >= 'v2.28')
      problems.warn('kubespray/dual-stack-renamed', 'spec.extraVars.enable_dual_stack_networks', `deprecated in ${r.tag}`, 'use ipv4_stack / ipv6_stack');
  },
];
