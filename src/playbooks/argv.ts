// PURE: exactly how kspray invokes ansible-playbook — the kubespray docs' flags, plus the safety kubespray's ansible.cfg leaves out.
import { optionString, sshOptions } from '../ssh/options.js';
import { shellJoin, shq } from '../ssh/quote.js';

export interface PlaybookInvocation {
  /** relative to the kubespray dir, e.g. cluster.yml or playbooks/facts.yml */
  playbook: string;
  limit?: string[];
  extraVars?: Record<string, unknown>;
  tags?: string[];
  skipTags?: string[];
}

export interface AnsibleSettings {
  kubesprayDir: string;
  ansiblePlaybook: string;
  inventoryFile: string;
  user?: string;
  privateKey?: string;
  knownHostsFile: string;
  controlPathDir: string;
  factCacheDir: string;
  forks: number;
  eventsFile: string;
  callbackDir: string;
  becomePasswordFile?: string;
  verbosity?: number;
  /** the user's own ansible-playbook arguments (checked by passthrough.ts), before the playbook */
  extraArgs?: string[];
}

export interface AnsibleCommand {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Forks sized to the cluster: every host at once up to 50 (kubespray leaves Ansible's default of 5). */
export const forksFor = (hosts: number) => Math.max(5, Math.min(50, hosts));

export function sshArgs(s: Pick<AnsibleSettings, 'knownHostsFile' | 'controlPathDir'>): string {
  // kubespray's ansible.cfg disables host-key checking; kspray pins keys and requires them
  return optionString(sshOptions({ knownHostsFile: s.knownHostsFile, control: { path: `${s.controlPathDir}/%C`, persist: '60s' }, connectionAttempts: 3, connectTimeoutS: 15 }));
}

/** What every kspray ansible-playbook run shares: the checkout's own ansible.cfg and kspray's events callback. */
export function checkoutEnv(s: Pick<AnsibleSettings, 'kubesprayDir' | 'callbackDir' | 'eventsFile'>): Record<string, string> {
  return {
    ANSIBLE_CONFIG: `${s.kubesprayDir}/ansible.cfg`,
    ANSIBLE_CALLBACK_PLUGINS: s.callbackDir,
    ANSIBLE_CALLBACKS_ENABLED: 'kspray_events',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
    KSPRAY_EVENTS_FILE: s.eventsFile,
    PYTHONUNBUFFERED: '1',
  };
}

/** The arguments that make one playbook run what it is: --limit, tags, extra vars. */
export function invocationArgs(inv: PlaybookInvocation): string[] {
  const argv: string[] = [];
  if (inv.limit?.length) argv.push('--limit', inv.limit.join(','));
  if (inv.tags?.length) argv.push('--tags', inv.tags.join(','));
  if (inv.skipTags?.length) argv.push('--skip-tags', inv.skipTags.join(','));
  // JSON keeps booleans booleans (kubespray asserts several are real bools)
  if (inv.extraVars && Object.keys(inv.extraVars).length) argv.push('-e', JSON.stringify(inv.extraVars));
  return argv;
}

/** A playbook run as the plan shows it: the playbook and its own arguments, without the settings every run shares. */
export const formatInvocation = (inv: PlaybookInvocation) => shellJoin([inv.playbook, ...invocationArgs(inv)]);

export function ansibleCommand(inv: PlaybookInvocation, s: AnsibleSettings): AnsibleCommand {
  const argv = [s.ansiblePlaybook, '-i', s.inventoryFile, '-b'];
  if (s.user) argv.push('--user', s.user);
  if (s.privateKey) argv.push('--private-key', s.privateKey);
  if (s.becomePasswordFile) argv.push('--become-password-file', s.becomePasswordFile);
  argv.push(...invocationArgs(inv));
  if (s.verbosity) argv.push('-' + 'v'.repeat(s.verbosity));
  if (s.extraArgs?.length) argv.push(...s.extraArgs);
  argv.push(inv.playbook);
  const env: Record<string, string> = {
    ...checkoutEnv(s),
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_SSH_ARGS: sshArgs(s),
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_FORKS: String(s.forks),
    // kubespray sets 300 from v2.26; under many forks sudo can take longer than Ansible's default 10 s
    ANSIBLE_TIMEOUT: '300',
    ANSIBLE_GATHERING: 'smart',
    // per-cluster fact cache: kubespray's shared /tmp cache serves one cluster's facts to another
    ANSIBLE_CACHE_PLUGIN: 'jsonfile',
    ANSIBLE_CACHE_PLUGIN_CONNECTION: s.factCacheDir,
    ANSIBLE_CACHE_PLUGIN_TIMEOUT: '86400',
    ANSIBLE_CALLBACKS_ENABLED: 'kspray_events,profile_tasks',
    // read by the rendered ProxyCommand when the cluster has a jump host
    KSPRAY_KNOWN_HOSTS: s.knownHostsFile,
    ...(s.privateKey ? { KSPRAY_SSH_KEY: s.privateKey } : {}),
  };
  return { argv, env, cwd: s.kubesprayDir };
}

/** The user-facing equivalent command, for --dry-run and run records. */
export function displayCommand(cmd: AnsibleCommand, envKeys: string[] = ['ANSIBLE_SSH_ARGS', 'ANSIBLE_CACHE_PLUGIN_CONNECTION', 'ANSIBLE_FORKS']): string {
  const env = envKeys.filter((k) => k in cmd.env).map((k) => `${k}=${shq(cmd.env[k]!)}`);
  return `cd ${shq(cmd.cwd)} && ${[...env, ...cmd.argv.map(shq)].join(' ')}`;
}
