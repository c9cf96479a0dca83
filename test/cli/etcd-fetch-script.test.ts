// The direct transfer's remote half (FETCH_SCRIPT) run by a real sh: it only ever prints and removes a snapshot in one
// of kspray's own temp dirs.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FETCH_SCRIPT } from '../../src/etcd/snapshot.js';

describe('the direct transfer\'s remote half (FETCH_SCRIPT) in sh', () => {
  const run = (input: string) => spawnSync('sh', ['-c', FETCH_SCRIPT, 'sh', 'echo checked'], { input, encoding: 'utf8' });
  it('prints and removes nothing but a snapshot in one of its own temp dirs', () => {
    for (const bad of ['/etc/passwd', '/var/backups/kspray-snapshot.x/../../etc/snapshot.db', '/var/backups/kspray-snapshot.x/y/snapshot.db', '/var/backups/kspray-snapshot./snapshot.db', '/var/backups/kspray-snapshot.x/other']) {
      const r = run(`${bad}\n`);
      expect(r.status, bad).toBe(2);
      expect(r.stdout + r.stderr, bad).toBe('');
    }
  });
  it('EOF instead of a name (the backup was abandoned) exits quietly', () => {
    expect(run('')).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });
});
