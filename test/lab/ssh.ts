// Run a command on a lab host over real ssh with the lab's key and pinned host keys.
import type { LabHost, LabInfo } from './info.js';
import { run, type RunOptions, type RunResult } from './proc.js';

export function sshArgv(info: LabInfo, host: LabHost, knownHosts = info.knownHostsFile): string[] {
  return [
    'ssh',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'ConnectTimeout=5',
    '-i', info.keyFile,
    '-l', info.sshUser,
    host.address,
  ];
}

/** `remote` is one shell command line run by the login shell on the host. */
export function sshRun(info: LabInfo, host: LabHost, remote: string, opts: RunOptions & { knownHosts?: string } = {}): Promise<RunResult> {
  return run([...sshArgv(info, host, opts.knownHosts), '--', remote], { allowFail: true, ...opts });
}

/** Run `remote` as root through sudo; the password (if the host needs one) goes over stdin, never argv. */
export function sudoRun(info: LabInfo, host: LabHost, remote: string, opts: RunOptions = {}): Promise<RunResult> {
  const quoted = `'${remote.replaceAll("'", `'\\''`)}'`;
  if (host.sudoPassword === undefined) return sshRun(info, host, `sudo -n -- sh -c ${quoted}`, opts);
  return sshRun(info, host, `sudo -S -p '' -- sh -c ${quoted}`, { ...opts, input: host.sudoPassword + '\n' });
}
