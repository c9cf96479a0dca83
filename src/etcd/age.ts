// Encryption at rest with age (https://age-encryption.org; Debian package `age`), as a stream through the
// `age` binary: the plaintext never touches the operator's disk when a recipient is configured.
import { createHash } from 'node:crypto';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KsprayError } from '../errors.js';
import { startStream, SubprocessError } from '../exec.js';
import type { Source } from './transfer.js';

const missing = (e: unknown) =>
  e instanceof SubprocessError && e.kind === 'spawn-failed'
    ? new KsprayError('ToolMissing', 'spec.etcd.backup.ageRecipients is set but the `age` command is not installed', { hint: 'apt-get install age (or see https://age-encryption.org)' })
    : e;

/** A writable that encrypts to `out`; `done` resolves with the digest and size of the encrypted bytes. */
export async function encryptTo(recipients: string[], out: Writable): Promise<{ input: Writable; done: Promise<{ sha256: string; size: number }> }> {
  const p = await startStream(['age', ...recipients.flatMap((r) => ['-r', r])], { stdin: 'pipe' });
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const piped = pipeline(p.stdout, count, out);
  const done = Promise.all([piped, p.done]).then(
    ([, r]) => {
      if (r.exitCode !== 0) throw new KsprayError('BackupFailed', `age encryption failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`}`, { hint: 'check spec.etcd.backup.ageRecipients (age1… or ssh-ed25519 … public keys)' });
      return { sha256: hash.digest('hex'), size };
    },
    (e: unknown) => {
      throw missing(e);
    },
  );
  // an input error (age exited early) surfaces through `done`
  p.stdin!.on('error', () => undefined);
  return { input: p.stdin!, done };
}

/** The decrypted bytes of an age file, as a transfer Source. */
export async function decryptSource(file: string, identity: string): Promise<Source> {
  const p = await startStream(['age', '-d', '-i', identity, '--', file]);
  return {
    stdout: p.stdout,
    done: p.done.then(
      (r) => ({ code: r.exitCode, stderr: r.stderr }),
      (e: unknown) => {
        throw missing(e);
      },
    ),
    abort: () => p.cancel(),
  };
}
