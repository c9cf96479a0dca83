// Kubernetes version skew policy (https://kubernetes.io/releases/version-skew-policy/), pure.
// kubelet: never newer than kube-apiserver; at most 3 minors older (2 before kube-apiserver 1.28).

export interface Ver {
  major: number;
  minor: number;
  patch?: number;
}

export function parseVersion(text: string | undefined): Ver | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text?.trim() ?? '');
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), ...(m[3] !== undefined ? { patch: Number(m[3]) } : {}) };
}

export const fmt = (v: Ver) => `v${v.major}.${v.minor}${v.patch !== undefined ? `.${v.patch}` : ''}`;

/** The API server's effective version: its emulated version (compatibility versions, 1.31+) when it reports one. */
export interface ApiVersion {
  binary: Ver;
  effective: Ver;
  emulated: boolean;
}

export function apiVersionFrom(info: { gitVersion?: string; emulationMajor?: string; emulationMinor?: string }): ApiVersion | undefined {
  const binary = parseVersion(info.gitVersion);
  if (!binary) return undefined;
  const em = Number(info.emulationMajor);
  const en = Number(info.emulationMinor);
  if (info.emulationMajor && info.emulationMinor && (em !== binary.major || en !== binary.minor))
    return { binary, effective: { major: em, minor: en }, emulated: true };
  return { binary, effective: binary, emulated: false };
}

export type SkewVerdict = { ok: true } | { ok: false; reason: string };

/** kubelet vs kube-apiserver */
export function kubeletSkew(kubelet: Ver, api: Ver): SkewVerdict {
  if (kubelet.major !== api.major) return { ok: false, reason: `major versions differ (kubelet ${fmt(kubelet)}, API server ${fmt(api)})` };
  const behind = api.minor - kubelet.minor;
  const allowed = api.minor >= 28 ? 3 : 2;
  if (behind < 0) return { ok: false, reason: `kubelet ${fmt(kubelet)} is newer than the API server ${fmt(api)}` };
  if (behind > allowed) return { ok: false, reason: `kubelet ${fmt(kubelet)} is ${behind} minors behind the API server ${fmt(api)} (at most ${allowed} supported)` };
  return { ok: true };
}

export const sameVersion = (a: Ver, b: Ver) => a.major === b.major && a.minor === b.minor && (a.patch === undefined || b.patch === undefined || a.patch === b.patch);
