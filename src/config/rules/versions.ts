// Release support matrix: the Kubernetes version must be deployable by the chosen kubespray release.
import { canDeploy, describeRange, formatKube, minorKey, releases, releasesFor } from '../releases.js';
import type { Rule } from './context.js';

export const versionRules: Rule[] = [
  function kubesprayRelease({ cluster, problems }) {
    const tag = cluster.config.spec.kubespray.version;
    if (!cluster.release)
      problems.error('version/kubespray', 'spec.kubespray.version', `kubespray "${tag}" is not a release kspray knows`, `use one of ${releases.map((r) => r.tag).join(', ')}`);
  },

  function kubernetesVersion({ cluster, problems }) {
    const v = cluster.config.spec.kubernetes.version;
    const { kube, release } = cluster;
    if (!kube) {
      problems.error('version/kubernetes-format', 'spec.kubernetes.version', `"${v}" is not a Kubernetes version`, 'write it as v1.29.5 (kspray renders the format the release expects)');
      return;
    }
    if (!release) return;
    if (!canDeploy(release, kube)) {
      const able = releasesFor(kube).map((r) => r.tag);
      problems.error(
        'version/unsupported',
        'spec.kubernetes.version',
        `kubespray ${release.tag} cannot deploy Kubernetes ${formatKube(kube, true)} (it has checksums for ${describeRange(release)})`,
        able.length ? `use kubespray ${able.join(' or ')}, or a version in that range` : `use a version in ${describeRange(release)}`,
      );
      return;
    }
    if (release.componentMaps && !release.componentMaps.includes(minorKey(kube)))
      problems.error(
        'version/component-maps',
        'spec.kubernetes.version',
        `kubespray ${release.tag} has kubelet checksums for ${minorKey(kube)} but no etcd/crictl versions for it (etcd_supported_versions), so the deploy fails without manual overrides`,
        `use kubespray ${releasesFor(kube).find((r) => !r.componentMaps)?.tag ?? 'v2.25.x'}`,
      );
  },
];
