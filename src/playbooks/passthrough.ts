// PURE: arguments after `--` go to ansible-playbook, except the few that would break what kspray guarantees.
import { KsprayError } from '../errors.js';

/** Flows whose playbooks take `-- ANSIBLE_ARGS`. */
export const passthroughFlows = ['deploy', 'add-node', 'remove-node', 'upgrade', 'reset'] as const;

const refused: { flags: string[]; why: string }[] = [
  { flags: ['-l', '--limit'], why: 'kspray computes the hosts of each step (add-node/remove-node limit themselves), and records the whole config as applied after a run' },
  { flags: ['-i', '--inventory', '--inventory-file'], why: 'kspray renders the inventory from the config; change the config instead' },
  { flags: ['--ssh-common-args', '--ssh-extra-args', '--scp-extra-args', '--sftp-extra-args', '-c', '--connection'], why: 'kspray sets the SSH options itself so that host keys stay verified against the pinned known_hosts' },
  { flags: ['-u', '--user', '--private-key', '--key-file'], why: 'set spec.ssh.user / spec.ssh.keyFile in the config' },
  { flags: ['-k', '--ask-pass', '-K', '--ask-become-pass', '--become-password-file', '--connection-password-file'], why: "kspray runs ansible without a terminal; use kspray's own --ask-become-pass or --become-password-file" },
  { flags: ['-C', '--check'], why: 'kubespray does not support check mode, and kspray would record the run as applied; use --dry-run to see the plan' },
  { flags: ['--step', '--start-at-task', '--syntax-check', '--list-hosts', '--list-tasks', '--list-tags'], why: 'kspray needs a complete, non-interactive run to record it as applied' },
];

// extra vars that turn host-key checking off or replace kspray's SSH options
const hostKeyVar = /\b(ansible_(ssh_)?host_key_checking|host_key_checking|ansible_ssh_(common|extra)_args|ansible_ssh_args)\b|StrictHostKeyChecking|UserKnownHostsFile|GlobalKnownHostsFile/;

function flagOf(arg: string): string | undefined {
  if (arg.startsWith('--')) return arg.split('=')[0];
  // -lkube04, -K, -vvv: a short flag is its first letter
  if (/^-[A-Za-z]/.test(arg)) return arg.slice(0, 2);
  return undefined;
}

/** The arguments as given, or a BadArgument naming the first one kspray refuses and why. */
export function checkAnsibleArgs(flow: string, args: readonly string[]): string[] {
  if (!args.length) return [];
  if (!(passthroughFlows as readonly string[]).includes(flow))
    throw new KsprayError('BadArgument', `\`-- ${args.join(' ')}\`: only ${passthroughFlows.join(', ')} pass arguments to ansible-playbook`, { hint: `remove everything after \`--\`` });
  for (const [i, arg] of args.entries()) {
    const flag = flagOf(arg);
    const rule = flag && refused.find((r) => r.flags.includes(flag));
    if (rule) throw new KsprayError('BadArgument', `ansible-playbook ${arg} is not passed through: ${rule.why}`, { hint: 'remove it from the arguments after `--`' });
    const prev = args[i - 1];
    const isExtraVar = prev === '-e' || prev === '--extra-vars' || arg.startsWith('--extra-vars=') || /^-e./.test(arg);
    if (isExtraVar && hostKeyVar.test(arg))
      throw new KsprayError('BadArgument', `ansible-playbook extra vars ${JSON.stringify(arg)} would change how host keys are checked`, { hint: 'kspray verifies every host key against the pinned known_hosts; pin changed keys with `kspray hosts trust --replace`' });
  }
  return [...args];
}
