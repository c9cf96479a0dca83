// Release support matrix: the Kubernetes version must be deployable by the chosen kubespray release.
import { canDeploy, describeRange, findRelease, formatKube, minorKey, releases, releasesFor } from '../releases.js';
import type { Rule } from './context.js';

export const versionRules: Rule[] = [
  function kubesprayRelease({ cluster, problems }) {
    const tag = cluster.config.spec.kubespray.version;
    const path = cluster.config.spec.kubespray.path;
    if (!cluster.release)
      problems.error('version/kubespray', 'spec.kubespray.version', `kubespray "${tag}" is not a release kspray knows`, `use one of ${releases.map((r) => r.tag).join(', ')}, or check the release out at spec.kubespray.path (${path}) so kspray reads its facts from it`);
    // only a checkout supplies a release the table lacks
    else if (!findRelease(tag))
      problems.warn('version/kubespray-untabled', 'spec.kubespray.version', `kspray has no table entry for kubespray ${cluster.release.tag}; its facts are read from the checkout at ${path}`, 'validation without that checkout rejects this release; an update of kspray knows it');
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
