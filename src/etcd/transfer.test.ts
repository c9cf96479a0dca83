import { Readable, Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { damage, data, sha } from '../../test/fixtures/damage.js';
import { CHECK_SCRIPT, FETCH_SCRIPT } from './snapshot.js';
import { fetchCommand, opensshArgv, receive, type Source } from './transfer.js';

const source = (buf: Buffer, code = 0): Source => ({ stdout: Readable.from([buf.subarray(0, 1_000_000), buf.subarray(1_000_000)]), done: Promise.resolve({ code, stderr: code ? 'boom' : '' }), abort: () => {} });
const sink = () => {
  const chunks: Buffer[] = [];
  return { chunks, w: new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }) };
};

describe('transfer', () => {
  it('hashes while streaming', async () => {
    const s = sink();
    const got = await receive(source(data), s.w, {});
    expect(got).toEqual({ sha256: sha(data), bytes: data.length, trailerOk: false });
    expect(Buffer.concat(s.chunks).equals(data)).toBe(true);
  });
  it('checks the snapshot trailer while streaming; every damage fails it (flip, flip-trailer, truncate)', async () => {
    const snap = Buffer.concat([data, createHash('sha256').update(data).digest()]);
    expect((await receive(source(snap), sink().w, {})).trailerOk).toBe(true);
    for (const mode of ['flip', 'flip-trailer', 'truncate']) expect((await receive(source(damage(snap, mode)), sink().w, {})).trailerOk, mode).toBe(false);
  });
  it('a damaged stream is hashed as it arrived (flip, truncate)', async () => {
    const flip = await receive(source(damage(data, 'flip')), sink().w, {});
    expect(flip.bytes).toBe(data.length);
    expect(flip.sha256).not.toBe(sha(data));
    const cut = await receive(source(damage(data, 'truncate')), sink().w, {});
    expect(cut.bytes).toBe(data.length - 4096);
  });
  it('a failing remote command fails the transfer', async () => {
    await expect(receive(source(data, 1), sink().w, {})).rejects.toThrow(/exit 1/);
  });
  it('ssh argv pins host keys and never prompts; the file name and the sudo password go through stdin', () => {
    const argv = opensshArgv({ name: 'km01', address: '10.0.0.1', port: 2222, user: 'op', keyFile: '/k' }, '/kh', fetchCommand(false));
    expect(argv).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=yes', 'UserKnownHostsFile=/kh', '-p', '2222', '-l', 'op', '-i', '/k']));
    expect(argv.at(-1)).toBe(`sudo -n -- sh -c '${FETCH_SCRIPT.replaceAll("'", "'\\''")}' sh '${CHECK_SCRIPT.replaceAll("'", "'\\''")}'`);
    expect(fetchCommand(true).startsWith(`sudo -S -p '' -- sh -c 'read -r F A`)).toBe(true);
  });
});
