import { describe, expect, it } from 'vitest';
import { closeMasterArgv, destination, hostKeyOptions, optionArgv, optionString, proxyCommand, sshOptions, targetArgv } from './options.js';

describe('OpenSSH options', () => {
  it('always pins: only kspray known_hosts, StrictHostKeyChecking=yes, whatever else is asked', () => {
    for (const spec of [{}, { batch: true }, { control: 'off' as const }, { control: { path: '/c/%C', persist: '60s' } }]) {
      const o = sshOptions({ knownHostsFile: '/kh', ...spec });
      expect(o).toEqual(expect.arrayContaining(hostKeyOptions('/kh')));
      expect(o.join(' ')).not.toMatch(/StrictHostKeyChecking=(no|accept-new)/);
    }
  });
  it("Ansible's ANSIBLE_SSH_ARGS: shared master, retries, timeout, pins", () => {
    expect(optionString(sshOptions({ knownHostsFile: '/s/known_hosts', control: { path: '/s/cp/%C', persist: '60s' }, connectionAttempts: 3, connectTimeoutS: 15 }))).toBe(
      '-o ControlMaster=auto -o ControlPersist=60s -o ControlPath=/s/cp/%C -o ConnectionAttempts=3 -o ConnectTimeout=15 -o UserKnownHostsFile=/s/known_hosts -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null',
    );
  });
  it('a one-off batch connection: no master, ciphers in order', () => {
    expect(sshOptions({ knownHostsFile: '/kh', batch: true, control: 'off', connectTimeoutS: 15, ciphers: ['a', 'b'] })).toEqual([
      'BatchMode=yes',
      'ControlMaster=no',
      'ControlPath=none',
      'ConnectTimeout=15',
      'UserKnownHostsFile=/kh',
      'StrictHostKeyChecking=yes',
      'GlobalKnownHostsFile=/dev/null',
      'Ciphers=a,b',
    ]);
    expect(optionArgv(['A=1', 'B=2'])).toEqual(['-o', 'A=1', '-o', 'B=2']);
  });
  it('target: port, login, identity only, jump host', () => {
    expect(targetArgv({ address: '10.0.0.1', port: 22 })).toEqual(['-p', '22']);
    expect(targetArgv({ address: '10.0.0.1', port: 2222, user: 'op', keyFile: '/k', bastion: { address: '10.0.0.9', port: 22, user: 'jump' } })).toEqual([
      '-p', '2222', '-l', 'op', '-i', '/k', '-o', 'IdentitiesOnly=yes', '-J', 'jump@10.0.0.9:22',
    ]);
    expect(destination({ address: 'h' })).toBe('h');
  });
  it("the jump host's ProxyCommand verifies it with the same pins", () => {
    expect(proxyCommand({ address: '10.0.0.9', port: 2200, user: 'jump' }, { knownHostsFile: '/kh', identity: '{{ key }}' })).toBe(
      'ssh -o UserKnownHostsFile=/kh -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null {{ key }} -W %h:%p -p 2200 jump@10.0.0.9',
    );
    expect(proxyCommand({ address: '10.0.0.9', port: 22 }, { knownHostsFile: '/kh' })).toBe('ssh -o UserKnownHostsFile=/kh -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -W %h:%p -p 22 10.0.0.9');
  });
  it('closing a master names only its socket', () => {
    expect(closeMasterArgv('/cp/abc')).toEqual(['ssh', '-o', 'ControlPath=/cp/abc', '-O', 'exit', 'kspray-master']);
  });
});
