// Names Kubernetes, ssh and Ansible refuse: node labels and taints (Kubernetes label syntax), namespaces, SSH users,
// extraVars, groupVars and host vars keys that are not Ansible variable names, further groups that are kspray's own.
import type { ProblemList } from '../problems.js';
import { dnsDomainProblem } from './addresses.js';
import { MANAGED_GROUPS } from '../model.js';
import { hostPath, type Rule } from './context.js';

// k8s.io/apimachinery validation: a qualified name and a label value
const nameRe = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `key` is not a Kubernetes label (or taint) key, or undefined when it is one. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined) {
    if (prefix === '') return 'has an empty prefix before "/"';
    if (dnsDomainProblem(prefix)) return `has the prefix "${prefix}", which is not a lower-case DNS subdomain`;
  }
  if (name === '') return 'has an empty name';
  if (name.length > 63) return `has a name of ${name.length} characters (63 at most)`;
  if (!nameRe.test(name)) return 'is not letters, digits, "-", "_" and "." starting and ending alphanumeric (with an optional "prefix/")';
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `is ${value.length} characters long (63 at most)`;
  if (!nameRe.test(value)) return 'is not letters, digits, "-", "_" and "." starting and ending alphanumeric';
  return undefined;
}

function checkUser(problems: ProblemList, path: string, user: string | undefined): void {
  if (user === undefined) return;
  // eslint-disable-next-line no-control-regex
  const why = /[\s\x00-\x1f\x7f]/.test(user) ? 'contains spaces or control characters' : /^-/.test(user) ? 'starts with "-", which ssh reads as an option' : /[@:/]/.test(user) ? 'contains "@", ":" or "/"' : undefined;
  if (why) problems.error('ssh/bad-user', path, `SSH user ${JSON.stringify(user)} ${why}`, 'write the account name alone, e.g. ubuntu');
}

const pythonKeywords = new Set('False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '));

export const nameRules: Rule[] = [
  function labelsAndTaints({ cluster, problems }) {
    for (const h of cluster.hosts) {
      for (const [k, v] of Object.entries(h.raw.labels ?? {})) {
        const path = `${hostPath(h.index, 'labels')}.${k}`;
        const kw = labelKeyProblem(k);
        if (kw) problems.error('hosts/bad-label', path, `label key ${JSON.stringify(k)} ${kw}`, 'use a Kubernetes label key such as example.com/rack or disktype');
        const vw = labelValueProblem(v);
        if (vw) problems.error('hosts/bad-label', path, `label value ${JSON.stringify(v)} ${vw}`, 'use at most 63 letters, digits, "-", "_" or "."');
      }
      for (const [ti, t] of (h.raw.taints ?? []).entries()) {
        const path = `${hostPath(h.index, 'taints')}[${ti}]`;
        const m = /^([^=:]*)(?:=([^:]*))?:([^:]*)$/.exec(t);
        const effect = m?.[3];
        const why = !m
          ? 'is not key=value:Effect'
          : !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect!)
            ? `has the effect "${effect}"`
            : labelKeyProblem(m[1]!) !== undefined
              ? `has a key that ${labelKeyProblem(m[1]!)}`
              : m[2] !== undefined && labelValueProblem(m[2]) !== undefined
                ? `has a value that ${labelValueProblem(m[2])}`
                : undefined;
        if (why) problems.error('hosts/bad-taint', path, `"${t}" is not a taint: it ${why}`, 'write key=value:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute');
      }
    }
  },

  function sshUsers({ cluster, problems }) {
    const { spec } = cluster.config;
    checkUser(problems, 'spec.ssh.user', spec.ssh.user);
    checkUser(problems, 'spec.ssh.bastion.user', spec.ssh.bastion?.user);
    for (const h of cluster.hosts) checkUser(problems, hostPath(h.index, 'ssh.user'), h.raw.ssh?.user);
  },

  function namespaces({ cluster, problems }) {
    const a = cluster.config.spec.addons;
    const sec = cluster.config.spec.security;
    const list: [string, string][] = [
      ['spec.addons.metallb.namespace', a.metallb.namespace],
      ['spec.addons.certManager.namespace', a.certManager.namespace],
      ['spec.addons.argocd.namespace', a.argocd.namespace],
      ...sec.podSecurity.exemptNamespaces.map((n, i): [string, string] => [`spec.security.podSecurity.exemptNamespaces[${i}]`, n]),
    ];
    for (const [path, ns] of list)
      if (ns.length > 63 || !dns1123Label.test(ns))
        problems.error('kubernetes/namespace', path, `namespace ${JSON.stringify(ns)} is not a DNS label (Kubernetes refuses it)`, 'use at most 63 lower-case letters, digits and "-", starting and ending alphanumeric');
  },

  function extraVarNames({ cluster, problems }) {
    const { spec } = cluster.config;
    const places: [string, Record<string, unknown>][] = [
      ['spec.extraVars', spec.extraVars],
      ...Object.entries(spec.groupVars ?? {}).map(([g, v]): [string, Record<string, unknown>] => [`spec.groupVars.${g}`, v]),
      ...spec.hosts.map((h, i): [string, Record<string, unknown>] => [`spec.hosts[${i}].vars`, h.vars ?? {}]),
    ];
    for (const [path, vars] of places)
      for (const k of Object.keys(vars)) {
        const why = !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? 'is not a valid Ansible variable name' : pythonKeywords.has(k) ? 'is a Python keyword, which Ansible refuses as a variable name' : undefined;
        if (why) problems.error('extra-vars/bad-name', `${path}.${k}`, `${JSON.stringify(k)} ${why}`, 'use letters, digits and "_", not starting with a digit (kubespray variables look like kube_proxy_mode)');
      }
  },

  // membership of kspray's own groups comes from roles; a further group of the same name would bypass them
  function extraGroupNames({ cluster, problems }) {
    for (const g of Object.keys(cluster.config.spec.groupVars ?? {}))
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(g))
        problems.error('groups/bad-name', `spec.groupVars.${g}`, `${JSON.stringify(g)} is not an Ansible group name`, 'use letters, digits and "_", not starting with a digit');
    cluster.config.spec.hosts.forEach((h, i) =>
      (h.groups ?? []).forEach((g, j) => {
        if (MANAGED_GROUPS.includes(g))
          problems.error('groups/managed', `spec.hosts[${i}].groups[${j}]`, `${g} is a group kspray fills from roles`, g === 'all' || g === 'k8s_cluster' ? 'remove it: every host is in it already' : 'use roles (control-plane, etcd, worker) instead');
      }),
    );
  },
];
