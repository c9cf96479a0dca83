import { describe, expect, it } from 'vitest';
import { parseFetchReport, parseSnapshotOutput } from './snapshot.js';
import { backupName, isBackupName, metaPathFor, planRetention, stamp } from './store.js';

const at = (iso: string, member = 'km01') => {
  const name = backupName(new Date(iso), member, false);
  return { name, file: `/b/${name}` };
};

describe('backup names', () => {
  it('sort by time, carry the member, and say when encrypted', () => {
    expect(stamp(new Date('2026-11-24T03:00:05.123Z'))).toBe('20261124T030005Z');
    expect(backupName(new Date('2026-11-24T03:00:05Z'), 'km01', false)).toBe('20261124T030005Z-km01.db');
    expect(backupName(new Date('2026-11-24T03:00:05Z'), 'a/b c', true)).toBe('20261124T030005Z-a_b_c.db.age');
    expect(metaPathFor('/b/20261124T030005Z-km01.db.age')).toBe('/b/20261124T030005Z-km01.json');
  });
  it('partial files never look like backups', () => {
    expect(isBackupName('20261124T030005Z-km01.db')).toBe(true);
    expect(isBackupName('.20261124T030005Z-km01.db.partial-0a1b2c3d')).toBe(false);
    expect(isBackupName('20261124T030005Z-km01.json')).toBe(false);
  });
});

describe('retention', () => {
  const days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => at(`2026-11-${String(d).padStart(2, '0')}T03:00:00Z`));
  const now = new Date('2026-11-10T04:00:00Z');
  it('keeps exactly the newest N', () => {
    const doomed = planRetention(days, { keep: 3 }, now);
    expect(doomed).toHaveLength(7);
    expect(days.filter((d) => !doomed.includes(d.file)).map((d) => d.name.slice(0, 8))).toEqual(['20261108', '20261109', '20261110']);
  });
  it('drops what is older than maxAgeDays, but never the newest', () => {
    expect(planRetention(days, { keep: 100, maxAgeDays: 2 }, now).length).toBe(8);
    const old = [at('2020-01-01T00:00:00Z')];
    expect(planRetention(old, { keep: 1, maxAgeDays: 1 }, now)).toEqual([]);
  });
  it('never deletes the backup just taken', () => {
    const late = at('2026-11-01T00:00:00Z', 'clock-skewed');
    const doomed = planRetention([...days, late], { keep: 1 }, now, late.file);
    expect(doomed).not.toContain(late.file);
    expect(doomed).toHaveLength(9);
  });
});

describe('snapshot script output', () => {
  const out = `@@dir /var/backups/kspray-snapshot.Ab12Cd\n@@status\n{"hash":1509857897,"revision":1208,"totalKey":671,"totalSize":651296}\n\n@@size 651296\n@@sha256 ${'a'.repeat(64)}\n`;
  it('parses dir, status, size and digest', () => {
    expect(parseSnapshotOutput(out)).toEqual({
      dir: '/var/backups/kspray-snapshot.Ab12Cd',
      file: '/var/backups/kspray-snapshot.Ab12Cd/snapshot.db',
      size: 651296,
      sha256: 'a'.repeat(64),
      status: { hash: 1509857897, revision: 1208, totalKey: 671, totalSize: 651296 },
    });
  });
  it('parses a status-only check (snapshots with a sha256 trailer are not hashed on the member)', () => {
    const check = `@@status\n{"hash":1509857897,"revision":1208,"totalKey":671,"totalSize":651296}\n\n@@end\n`;
    expect(parseSnapshotOutput(check)).toEqual({ status: { hash: 1509857897, revision: 1208, totalKey: 671, totalSize: 651296 } });
  });
  it('never accepts a dir it did not make (so it is never removed)', () => {
    expect(parseSnapshotOutput('@@dir /etc\n').dir).toBeUndefined();
    expect(parseSnapshotOutput('@@dir /var/backups/kspray-snapshot.x/../..\n').dir).toBeUndefined();
  });
  it('a broken snapshot has no status', () => {
    expect(parseSnapshotOutput(out.replace(/\{.*\}/, 'Error: snapshot file has wrong size')).status).toBeUndefined();
  });
});

describe('the direct transfer\'s remote half (FETCH_SCRIPT)', () => {
  const status = '@@status\n{"hash":1,"revision":1208,"totalKey":671,"totalSize":651296}\n\n';
  it('reads the member\'s check and the removal from stderr, among ssh\'s own lines', () => {
    const r = parseFetchReport('km02', `Warning: something from ssh\n${status}@@end\n@@removed\n`, { sha256: false });
    expect(r).toEqual({ check: { status: { hash: 1, revision: 1208, totalKey: 671, totalSize: 651296 } }, removed: true });
    expect(parseFetchReport('km02', `${status}@@sha256 ${'b'.repeat(64)}\n@@end\n`, { sha256: true }).check.sha256).toBe('b'.repeat(64));
  });
  it('a failed check is an error naming the member and etcd\'s own words', () => {
    expect(() => parseFetchReport('km02', '@@status\n@@err Error: snapshot file has wrong size\n@@removed\n', { sha256: false })).toThrow(/km02: the snapshot does not pass `snapshot status`: Error: snapshot file has wrong size/);
    expect(() => parseFetchReport('km02', `${status}@@end\n`, { sha256: true })).toThrow(/does not pass/);
  });
});

