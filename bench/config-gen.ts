// Generated cluster configs of any size for benchmarks: 3 control-plane/etcd nodes, the rest workers, address plan sized to fit.
export function generatedConfig(hosts: number): string {
  const lines = [
    'apiVersion: kspray.io/v1alpha1',
    'kind: Cluster',
    'metadata:',
    `  name: bench-${hosts}`,
    'spec:',
    '  kubespray: { version: v2.25.0 }',
    '  kubernetes: { version: v1.29.5 }',
    '  ssh: { user: ubuntu }',
    '  etcd: { quotaBackendBytes: 2147483648 }',
    '  dns: { domain: cluster.local, upstreamServers: [172.16.0.1] }',
    // /10 holds 65,536 Calico /26 blocks: two per node for 110 pods even at 5,000 nodes
    '  network: { podSubnet: 10.64.0.0/10, serviceSubnet: 10.32.0.0/16 }',
    '  kubeProxy: { mode: ipvs, strictArp: true }',
    '  addons:',
    '    metallb: { enabled: true, pools: [{ name: default, addresses: [192.168.100.0/24] }] }',
    '  hosts:',
  ];
  for (let i = 0; i < hosts; i++) {
    const ip = `172.16.${Math.floor((i + 10) / 250)}.${((i + 10) % 250) + 1}`;
    const roles = i < 3 ? '[control-plane, etcd]' : '[worker]';
    lines.push(`    - { name: node${String(i).padStart(5, '0')}, address: ${ip}, roles: ${roles}, labels: { rack: r${i % 40} } }`);
  }
  return lines.join('\n') + '\n';
}
