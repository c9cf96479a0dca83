// The event parser and run state on events.jsonl files recorded from real ansible-playbook runs
// (test/fixtures/events/README.md says how each was recorded).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEvent, newRunState, parseEventLine, statusLine, type AnsibleEvent } from '../../src/playbooks/events.js';
import { repoPath } from './helpers.js';

const lines = (name: string) => readFileSync(repoPath('test', 'fixtures', 'events', `${name}.jsonl`), 'utf8').split('\n').filter((l) => l !== '');
const replay = (ls: string[]) => ls.map(parseEventLine).filter((e): e is AnsibleEvent => e !== undefined).reduce(applyEvent, newRunState());
const hosts = ['km01', 'km02', 'km03', 'kube01', 'kube02', 'kube03'];
const recorded = ['checks-v2.27.1-pass', 'checks-v2.27.1-comma-admission-plugins', 'checks-v2.31.0-min-kube-version', 'deploy-standin'];

describe('events recorded from real ansible-playbook runs', () => {
  it.each(recorded)('%s: every line is an event, starting with the playbook and ending with the stats of every host', (name) => {
    const events = lines(name).map(parseEventLine);
    expect(events.every((e) => e !== undefined)).toBe(true);
    expect(events[0]).toMatchObject({ type: 'playbook_start' });
    expect(events.at(-1)).toMatchObject({ type: 'stats' });
    const s = replay(lines(name));
    expect(Object.keys(s.stats ?? {}).sort()).toEqual(hosts);
    expect([...s.hostsSeen].sort()).toEqual(hosts);
    expect(s.tasksStarted).toBe(events.filter((e) => e?.type === 'task_start').length);
  });

  it('a passing check run and a deploy have no failures; the status line counts hosts, not failures', () => {
    for (const name of ['checks-v2.27.1-pass', 'deploy-standin']) {
      const s = replay(lines(name));
      expect(s.failures, name).toEqual([]);
      expect(Object.values(s.stats!).every((h) => h.failures === 0 && h.unreachable === 0), name).toBe(true);
      expect(statusLine(s, 61_000)).toMatch(/ — 6 host\(s\) — 1m01s$/);
    }
    const deploy = replay(lines('deploy-standin'));
    expect(deploy.playbook).toBe('cluster.yml');
    expect(Object.values(deploy.stats!).every((h) => h.changed > 0)).toBe(true);
  });

  it("kubespray's failed asserts arrive per host with the message and the assertion; ignored ones fail no host", () => {
    const comma = lines('checks-v2.27.1-comma-admission-plugins').map(parseEventLine).filter((e) => e?.type === 'host_failed');
    expect(comma.map((e) => e.host)).toEqual(hosts);
    expect(comma[0]).toMatchObject({
      action: 'assert',
      ignored: true,
      msg: 'Comma-separated list for kube_apiserver_enable_admission_plugins is now deprecated, use separate list items for each plugin.',
      assertion: "',' not in kube_apiserver_enable_admission_plugins[0]",
      task: expect.stringMatching(/ : Stop if using deprecated comma separated list for admission plugins$/),
    });
    const min = replay(lines('checks-v2.31.0-min-kube-version'));
    expect(min.failures).toEqual([]);
    expect(min.failedHosts.size).toBe(0);
  });

  it('a not-ignored failure and an unreachable host are counted and kept in order', () => {
    const failed = lines('checks-v2.31.0-min-kube-version').find((l) => l.includes('"host_failed"'))!;
    const notIgnored = failed.replace('"ignored": true', '"ignored": false');
    const unreachable = JSON.stringify({ host: 'kube03', task: 'Gathering Facts', action: 'gather_facts', msg: 'Failed to connect to the host via ssh', type: 'host_unreachable', ts: 1 });
    const s = replay([...lines('checks-v2.31.0-min-kube-version').slice(0, 3), notIgnored, unreachable]);
    expect(s.failures).toEqual([
      { host: 'km01', task: 'validate_inventory : Stop if unsupported version of Kubernetes', msg: expect.stringMatching(/^The current release of Kubespray only support newer version of Kubernetes than 1\.99\.0/), unreachable: false },
      { host: 'kube03', task: 'Gathering Facts', msg: 'Failed to connect to the host via ssh', unreachable: true },
    ]);
    expect(statusLine(s, 5_000)).toMatch(/ — 2 host\(s\), 1 failed, 1 unreachable — 5s$/);
  });

  it('a line cut off mid-write, blank lines, foreign output and unknown event types are skipped, never fatal', () => {
    const last = lines('deploy-standin').at(-1)!;
    for (const junk of [last.slice(0, last.length / 2), '', '   ', 'PLAY RECAP ****', '{"type": "v3_playbook_on_include", "ts": 1}', '{"no": "type"}', '[1, 2]'])
      expect(parseEventLine(junk), junk).toBeUndefined();
    expect(parseEventLine(`  ${last}\r`)).toMatchObject({ type: 'stats' });
  });
});
