// kspray health: the lab's kube-apiserver/kubectl built by scripts/build-kube-apiserver.sh, when present.
// Lab hosts see the machine's ~/.cache (it is not an overlay path), so one path serves the controller and the hosts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LAB_KUBE_VERSION = process.env.KSPRAY_KUBE_VERSION ?? 'v1.37.2';

export function labKubeDir(): string {
  const cache = process.env.KSPRAY_CACHE_DIR ?? path.join(os.homedir(), '.cache/kspray');
  return path.join(cache, 'kube', LAB_KUBE_VERSION);
}

/** extraVars that make the stand-in run a real kube-apiserver; empty when the binaries are not built. */
export function labKubeBinaries(): Record<string, string> {
  const dir = labKubeDir();
  const apiserver = path.join(dir, 'kube-apiserver');
  const kubectl = path.join(dir, 'kubectl');
  if (!fs.existsSync(apiserver) || !fs.existsSync(kubectl)) return {};
  return { standin_kube_apiserver_bin: apiserver, standin_kubectl_bin: kubectl };
}
