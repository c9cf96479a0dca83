import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/unit/helpers.js';
import { acquireLock, heldBy, type LockInfo } from './lock.js';

const holder: LockInfo = { pid: 4242, host: 'ops1', command: 'kspray deploy', started: '2026-01-02T03:04:05.000Z' };

describe('whether a lock stands', () => {
  it('a live holder on this machine: wait for it', () => {
    expect(heldBy(holder, 'ops1', () => true, '/c/.kspray/lock')).toMatchObject({
      code: 'Locked',
      message: 'another kspray operation holds this cluster: `kspray deploy` (pid 4242 on ops1, since 2026-01-02T03:04:05.000Z)',
      hint: 'wait for it to finish',
    });
  });
  it('a dead holder on this machine, or an unreadable lock, is taken over', () => {
    expect(heldBy(holder, 'ops1', () => false, '/c/.kspray/lock')).toBeUndefined();
    expect(heldBy(undefined, 'ops1', () => true, '/c/.kspray/lock')).toBeUndefined();
  });
  it('a holder on another machine cannot be checked: it stands, and the hint names the file to remove', () => {
    const seen: number[] = [];
    const e = heldBy(holder, 'ops2', (pid) => (seen.push(pid), false), '/c/.kspray/lock');
    expect(e).toMatchObject({ code: 'Locked', hint: 'it runs on another machine; if it is gone, remove /c/.kspray/lock' });
    expect(seen).toEqual([]);
  });
});

describe('the lock file', () => {
  it('names its holder (0600), refuses a second taker while held, and is gone after release', async () => {
    const path = join(tempDir(), '.kspray', 'lock');
    const lock = await acquireLock(path, 'kspray upgrade --to v1.31.4');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ pid: process.pid, host: hostname(), command: 'kspray upgrade --to v1.31.4', started: lock.info.started });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(acquireLock(path, 'kspray reset')).rejects.toMatchObject({ code: 'Locked', message: expect.stringContaining('`kspray upgrade --to v1.31.4`') });
    await lock.release();
    await lock.release();
    expect(existsSync(path)).toBe(false);
    const again = await acquireLock(path, 'kspray reset');
    await again.release();
  });
  it('a damaged lock file (a crash mid-write) is taken over', async () => {
    const dir = tempDir();
    const path = join(dir, 'lock');
    writeFileSync(path, '{"pid": 12');
    const lock = await acquireLock(path, 'kspray deploy');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, command: 'kspray deploy' });
    await lock.release();
  });
});
