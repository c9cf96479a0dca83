// Values that are valid but cannot be real: the documentation address ranges the starter uses as placeholders.
import { contains, ipValue, isIPv4, parseNetwork, type Range } from '../net.js';
import type { Rule } from './context.js';
import { hostPath } from './context.js';

/** RFC 5737's TEST-NET ranges: reserved for examples, never routed to a real machine. */
const documentation = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map((c) => (parseNetwork(c) as { range: Range }).range);

export const isDocumentationAddress = (a: string): boolean => isIPv4(a) && documentation.some((r) => contains(r, ipValue(a)));

export const PLACEHOLDER_RULE = 'placeholder/documentation-address';

export const placeholderRules: Rule[] = [
  function documentationAddresses({ cluster, problems }) {
    const fix = "put the node's real address here before `kspray deploy` (kspray refuses to connect to placeholders)";
    for (const h of cluster.config.spec.hosts.entries()) {
      const [i, host] = h;
      for (const key of ['address', 'ip', 'accessIp'] as const) {
        const v = host[key];
        if (v && isDocumentationAddress(v))
          problems.warn(PLACEHOLDER_RULE, hostPath(i, key), `${v} is a documentation address (a placeholder), not a real node`, fix);
      }
    }
    const b = cluster.config.spec.ssh.bastion;
    if (b && isDocumentationAddress(b.address))
      problems.warn(PLACEHOLDER_RULE, 'spec.ssh.bastion.address', `${b.address} is a documentation address (a placeholder), not a real jump host`, 'put the jump host\'s real address here, or remove the bastion');
  },
];
