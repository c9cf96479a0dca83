import { describe, expect, it } from 'vitest';
import { parseEvery, renderUnits, systemctlSteps, unitDir } from './schedule.js';

const spec = { cluster: 'prod', node: '/usr/bin/node', kspray: '/opt/kspray/bin/kspray', config: '/home/op/my clusters/prod.yaml', daily: true, system: false };

describe('backup schedule units', () => {
  it('daily: a oneshot service and a persistent timer', () => {
    const [svc, timer] = renderUnits({ ...spec, keep: 14 });
    expect(svc!.name).toBe('kspray-etcd-backup-prod.service');
    expect(svc!.text).toContain('ExecStart=/usr/bin/node /opt/kspray/bin/kspray -c "/home/op/my clusters/prod.yaml" etcd-backup --keep 14\n');
    expect(svc!.text).toContain('Type=oneshot');
    expect(timer!.text).toContain('OnCalendar=daily\n');
    expect(timer!.text).toContain('Persistent=true');
    expect(timer!.text).toContain('WantedBy=timers.target');
  });
  it('--every: monotonic timer', () => {
    const [, timer] = renderUnits({ ...spec, daily: false, every: '6h' });
    expect(timer!.text).toContain('OnUnitActiveSec=6h\n');
    expect(timer!.text).not.toContain('OnCalendar');
  });
  it('quotes % and $ the way systemd wants', () => {
    const [svc] = renderUnits({ ...spec, config: '/x/100%$HOME.yaml' });
    expect(svc!.text).toContain('-c "/x/100%%$$HOME.yaml"');
  });
  it('accepts systemd time spans of at least 5 minutes', () => {
    expect(parseEvery('6h')).toBe('6h');
    expect(parseEvery('1h 30min')).toBe('1h 30min');
    expect(parseEvery('1min')).toBeUndefined();
    expect(parseEvery('daily')).toBeUndefined();
  });
  it('user or system units, and the systemctl steps to say when systemd is not running', () => {
    expect(unitDir({ system: false, env: { HOME: '/home/op' } })).toBe('/home/op/.config/systemd/user');
    expect(unitDir({ system: true, env: {} })).toBe('/etc/systemd/system');
    expect(systemctlSteps(false, 't.timer', true).map((s) => s.join(' '))).toEqual(['systemctl --user daemon-reload', 'systemctl --user enable --now t.timer']);
  });
});
