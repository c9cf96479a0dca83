// PURE: the one place OpenSSH options are made — for Ansible's ssh, the system-ssh transfer, closing Ansible's
// masters and the jump host's ProxyCommand. Host keys are always checked against kspray's pins; never
// StrictHostKeyChecking=no.

export interface OpenSshSpec {
  /** kspray's pinned keys (may be a Jinja expression when rendered into the inventory) */
  knownHostsFile: string;
  /** never prompt (no password, no passphrase) */
  batch?: boolean;
  /** a shared master (Ansible's runs), or 'off': one connection of its own */
  control?: { path: string; persist: string } | 'off';
  connectionAttempts?: number;
  connectTimeoutS?: number;
  ciphers?: readonly string[];
}

/** `Name=value` options in one fixed order. */
export function sshOptions(s: OpenSshSpec): string[] {
  const o: string[] = [];
  if (s.batch) o.push('BatchMode=yes');
  if (s.control === 'off') o.push('ControlMaster=no', 'ControlPath=none');
  else if (s.control) o.push('ControlMaster=auto', `ControlPersist=${s.control.persist}`, `ControlPath=${s.control.path}`);
  if (s.connectionAttempts) o.push(`ConnectionAttempts=${s.connectionAttempts}`);
  if (s.connectTimeoutS) o.push(`ConnectTimeout=${s.connectTimeoutS}`);
  o.push(...hostKeyOptions(s.knownHostsFile));
  if (s.ciphers?.length) o.push(`Ciphers=${s.ciphers.join(',')}`);
  return o;
}

/** Only kspray's pins count: the user's and the system's known_hosts are not consulted. */
export const hostKeyOptions = (knownHostsFile: string) => [`UserKnownHostsFile=${knownHostsFile}`, 'StrictHostKeyChecking=yes', 'GlobalKnownHostsFile=/dev/null'];

/** As separate argv words: `-o`, `Name=value`, … */
export const optionArgv = (opts: readonly string[]) => opts.flatMap((o) => ['-o', o]);

/** As one string (ANSIBLE_SSH_ARGS, a ProxyCommand): `-o Name=value -o …` */
export const optionString = (opts: readonly string[]) => opts.map((o) => `-o ${o}`).join(' ');

export interface Endpoint {
  address: string;
  port: number;
  user?: string;
}

/** `user@address` (or the address alone: ssh's own default user). */
export const destination = (e: Pick<Endpoint, 'address' | 'user'>) => `${e.user ? `${e.user}@` : ''}${e.address}`;

/** Port, login, identity and jump host of one target, as ssh argv words (the address itself comes last, from the caller). */
export function targetArgv(t: Endpoint & { keyFile?: string; bastion?: Endpoint }): string[] {
  return [
    '-p', String(t.port),
    ...(t.user ? ['-l', t.user] : []),
    ...(t.keyFile ? ['-i', t.keyFile, ...optionArgv(['IdentitiesOnly=yes'])] : []),
    ...(t.bastion ? ['-J', `${destination(t.bastion)}:${t.bastion.port}`] : []),
  ];
}

/**
 * The jump host's ProxyCommand for Ansible: the same pins as the nodes. `identity` is inserted as it is (the inventory
 * passes a Jinja expression that expands to `-i FILE` or nothing).
 */
export function proxyCommand(b: Endpoint, o: { knownHostsFile: string; identity?: string }): string {
  return ['ssh', optionString(hostKeyOptions(o.knownHostsFile)), ...(o.identity ? [o.identity] : []), '-W %h:%p', `-p ${b.port}`, destination(b)].join(' ');
}

/** Ask the master listening on `controlPath` to exit (the destination is not used: the socket names the master). */
export const closeMasterArgv = (controlPath: string) => ['ssh', ...optionArgv([`ControlPath=${controlPath}`]), '-O', 'exit', 'kspray-master'];
