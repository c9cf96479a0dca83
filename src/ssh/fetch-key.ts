// Read a host's SSH host key from the handshake alone (no login), for `kspray hosts trust`.
import { NodeSSH } from 'node-ssh';
import { hostKeyFromWire, type HostKey } from './known-hosts.js';
import type { SshSession, SshTarget } from './session.js';

/** `via`: a verified session on the jump host, through which the target is reached. */
export async function fetchHostKey(t: SshTarget, timeoutMs = 10_000, via?: SshSession): Promise<HostKey> {
  let key: HostKey | undefined;
  const ssh = new NodeSSH();
  try {
    const sock = via ? await via.forward(t.address, t.port) : undefined;
    await ssh.connect({
      ...(sock ? { sock } : {}),
      host: t.address,
      port: t.port,
      username: t.user ?? 'kspray',
      readyTimeout: timeoutMs,
      // refuse after reading the key: nothing is authenticated or run
      hostVerifier: (raw: Buffer) => {
        key = hostKeyFromWire(raw);
        return false;
      },
    });
  } catch (e) {
    if (!key) throw e;
  } finally {
    ssh.dispose();
  }
  if (!key) throw new Error('no host key received');
  return key;
}
