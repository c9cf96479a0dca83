// kspray kubeconfig as phases: admin.conf from a control plane, renamed after the cluster, then written 0600 or merged.
import type { FetchedKubeconfig } from '../kube/kubeconfig.js';
import type { Workspace } from '../workspace.js';
import type { Phase, TaskContext } from './flow.js';
import { flowPool } from './ssh.js';

export interface KubeconfigContext extends TaskContext {
  ws: Workspace;
  becomePassword?: string;
  /** where it goes */
  path: string;
  merge: boolean;
  got?: FetchedKubeconfig;
}

export function kubeconfigPhases(): Phase<KubeconfigContext>[] {
  return [
    {
      title: 'Fetch admin.conf from a control plane',
      async run(c) {
        // loaded on use: it brings in the SSH client
        const { fetchAdminKubeconfig } = await import('../kube/kubeconfig.js');
        c.got = await fetchAdminKubeconfig(c.ws.cluster, flowPool(c));
      },
    },
    {
      title: 'Write the kubeconfig',
      run: async (c) => (await import('../kube/kubeconfig.js')).writeKubeconfig(c.path, c.got!.doc, c.merge),
    },
  ];
}
