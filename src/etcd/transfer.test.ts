import { Readable, Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catCommand, opensshArgv, receive, type Source } from './transfer.js';

const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
const source = (buf: Buffer, code = 0): Source => ({ stdout: Readable.from([buf.subarray(0, 1_000_000), buf.subarray(1_000_000)]), done: Promise.resolve({ code, stderr: code ? 'boom' : '' }), abort: () => {} });
const sink = () => {
  const chunks: Buffer[] = [];
  return { chunks, w: new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }) };
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('transfer', () => {
  it('hashes while streaming', async () => {
    const s = sink();
    const got = await receive(source(data), s.w, { size: data.length, env: {} });
    expect(got).toEqual({ sha256: sha(data), bytes: data.length });
    expect(Buffer.concat(s.chunks).equals(data)).toBe(true);
  });
  it('the test hook damages the stream before the hash (flip, truncate)', async () => {
    const flip = await receive(source(data), sink().w, { size: data.length, env: { KSPRAY_TEST_CORRUPT_TRANSFER: 'flip' } });
    expect(flip.bytes).toBe(data.length);
    expect(flip.sha256).not.toBe(sha(data));
    const cut = await receive(source(data), sink().w, { size: data.length, env: { KSPRAY_TEST_CORRUPT_TRANSFER: 'truncate' } });
    expect(cut.bytes).toBe(data.length - 4096);
  });
  it('a failing remote command fails the transfer', async () => {
    await expect(receive(source(data, 1), sink().w, { size: data.length, env: {} })).rejects.toThrow(/exit 1/);
  });
  it('ssh argv pins host keys and never prompts; sudo password only via stdin', () => {
    const argv = opensshArgv({ name: 'km01', address: '10.0.0.1', port: 2222, user: 'op', keyFile: '/k' }, '/kh', catCommand('/var/backups/kspray-snapshot.AbC123/snapshot.db', false));
    expect(argv).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=yes', 'UserKnownHostsFile=/kh', '-p', '2222', '-l', 'op', '-i', '/k']));
    expect(argv.at(-1)).toBe('sudo -n -- cat -- /var/backups/kspray-snapshot.AbC123/snapshot.db');
    expect(catCommand('/f', true)).toBe("sudo -S -p '' -- cat -- /f");
  });
});
