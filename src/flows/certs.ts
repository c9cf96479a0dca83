// kspray certs as phases (read-only, no lock): every host's certificates over the flow's SSH pool, one command per
// host and all hosts at once, then the operator's own kubeconfig (the one `kspray kubeconfig` wrote) on this machine.
import { mergeReads, readHostsCerts, readLocalCerts, emptyRead, type CertsRead } from '../certs/read.js';
import type { Workspace } from '../workspace.js';
import type { Phase, TaskContext } from './flow.js';
import { flowPool } from './ssh.js';

export interface CertsContext extends TaskContext {
  ws: Workspace;
  becomePassword?: string;
  now: Date;
  read: CertsRead;
}

export function certsPhases(): Phase<CertsContext>[] {
  return [
    {
      title: 'Read the certificates on every host',
      plan: () => ['one SSH command per host (sudo), all hosts at once: kubeadm PKI and kubeconfigs, kubelet, etcd certificates'],
      async run(c) {
        const hosts = c.ws.cluster.hosts.filter((h) => !h.pending);
        c.read = mergeReads(c.read, await readHostsCerts(flowPool(c), hosts, { now: c.now }));
      },
    },
    {
      title: "Read the operator's kubeconfig",
      plan: () => ['the kubeconfig `kspray kubeconfig` wrote, on this machine'],
      async run(c) {
        const { stateKubeconfig } = await import('../kube/kubeconfig.js');
        c.read = mergeReads(c.read, await readLocalCerts([stateKubeconfig(c.ws.stateDir)], { now: c.now, optional: true }));
      },
    },
  ];
}

export const certsContext = (base: TaskContext, ws: Workspace, pw: string | undefined): CertsContext => ({ ...base, ws, now: new Date(), read: emptyRead(), ...(pw !== undefined ? { becomePassword: pw } : {}) });
