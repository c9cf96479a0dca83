// The direct transfer hashing a file while a real process writes it (the unit side: src/etcd/transfer.test.ts).
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { damage, data, sha } from '../fixtures/damage.js';
import { start } from '../../src/exec.js';
import { receiveDirect, type DirectFetch } from '../../src/etcd/transfer.js';


describe('direct transfer: hashing a file while another process writes it', () => {
  const snap = Buffer.concat([data, createHash('sha256').update(data).digest()]);
  const run = async (mode?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'kspray-direct-'));
    const src = join(dir, 'src.db');
    writeFileSync(src, mode ? damage(snap, mode) : snap);
    const partial = join(dir, 'partial');
    const fd = openSync(partial, 'wx', 0o600);
    // a writer that pauses half-way, like a network transfer
    const { cancel, done } = await start(['sh', '-c', 'head -c 1500000 "$1"; sleep 0.2; tail -c +1500001 "$1"', 'sh', src], { stdoutFd: fd, collect: false });
    closeSync(fd);
    const fetch: DirectFetch = { send: () => undefined, abort: () => cancel(), done };
    const got = await receiveDirect(partial, fetch, {});
    return { got, disk: readFileSync(partial) };
  };
  it('hashes it as it grows and checks the trailer', async () => {
    const { got, disk } = await run();
    expect(got).toEqual({ sha256: sha(snap), bytes: snap.length, trailerOk: true });
    expect(disk.equals(snap)).toBe(true);
  });
  it('a damaged file: what is hashed is what is on disk', async () => {
    for (const mode of ['flip', 'flip-trailer', 'truncate']) {
      const { got, disk } = await run(mode);
      expect(got.trailerOk, mode).toBe(false);
      expect(got.sha256, mode).toBe(sha(disk));
      expect(disk.length, mode).toBe(mode === 'truncate' ? snap.length - 4096 : snap.length);
    }
  });
  it('a failing writer fails the transfer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kspray-direct-'));
    const partial = join(dir, 'partial');
    const fd = openSync(partial, 'wx', 0o600);
    const { cancel, done } = await start(['sh', '-c', 'echo partial; echo "Permission denied" >&2; exit 1'], { stdoutFd: fd, collect: false });
    closeSync(fd);
    await expect(receiveDirect(partial, { send: () => undefined, abort: () => cancel(), done }, {})).rejects.toThrow(/ssh exit 1/);
  });
});
