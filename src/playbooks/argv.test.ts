// How kspray runs ansible-playbook, as the argv and environment it hands over (the observable contract).
import { describe, expect, it } from 'vitest';
import { ansibleCommand, checkoutEnv, displayCommand, forksFor, type AnsibleSettings } from './argv.js';

const settings: AnsibleSettings = {
  kubesprayDir: '/ks',
  ansiblePlaybook: '/venv/bin/ansible-playbook',
  inventoryFile: '/w/inventory/hosts.yaml',
  knownHostsFile: '/w/known_hosts',
  controlPathDir: '/run/kspray/cp',
  factCacheDir: '/w/facts',
  forks: 6,
  eventsFile: '/w/run/events.jsonl',
  callbackDir: '/repo/templates/ansible/callback',
};
/** the -o options of ANSIBLE_SSH_ARGS as a map (split on the option marker, whatever the spacing) */
const sshOptions = (env: Record<string, string>) =>
  Object.fromEntries(env.ANSIBLE_SSH_ARGS!.split(/(?:^|\s)-o\s*/).filter(Boolean).map((o) => o.trim().split('=', 2) as [string, string]));

describe('ansible-playbook argv', () => {
  it('the minimal run: inventory, become, the playbook last, from the checkout', () => {
    const c = ansibleCommand({ playbook: 'cluster.yml' }, settings);
    expect(c.argv).toEqual(['/venv/bin/ansible-playbook', '-i', '/w/inventory/hosts.yaml', '-b', 'cluster.yml']);
    expect(c.cwd).toBe('/ks');
  });

  it('user, key, become password file, limit, tags, extra vars as JSON, verbosity and the passthrough args, playbook last', () => {
    const c = ansibleCommand(
      { playbook: 'scale.yml', limit: ['kube04', 'kube05'], tags: ['a', 'b'], skipTags: ['c'], extraVars: { kube_version: 'v1.31.4', upgrade_node_confirm: false, n: 2 } },
      { ...settings, user: 'ops', privateKey: '/k/id', becomePasswordFile: '/run/pw', verbosity: 2, extraArgs: ['--diff'] },
    );
    expect(c.argv).toEqual([
      '/venv/bin/ansible-playbook', '-i', '/w/inventory/hosts.yaml', '-b',
      '--user', 'ops', '--private-key', '/k/id', '--become-password-file', '/run/pw',
      '--limit', 'kube04,kube05', '--tags', 'a,b', '--skip-tags', 'c',
      '-e', '{"kube_version":"v1.31.4","upgrade_node_confirm":false,"n":2}',
      '-vv', '--diff', 'scale.yml',
    ]);
    // booleans stay JSON booleans (kubespray asserts real bools)
    expect(JSON.parse(c.argv[c.argv.indexOf('-e') + 1]!).upgrade_node_confirm).toBe(false);
  });

  it('empty lists and empty extra vars add no flags; no secret is ever in argv', () => {
    const c = ansibleCommand({ playbook: 'reset.yml', limit: [], tags: [], skipTags: [], extraVars: {} }, { ...settings, becomePasswordFile: '/run/pw' });
    expect(c.argv).toEqual(['/venv/bin/ansible-playbook', '-i', '/w/inventory/hosts.yaml', '-b', '--become-password-file', '/run/pw', 'reset.yml']);
  });
});

describe('ansible-playbook environment', () => {
  const env = ansibleCommand({ playbook: 'cluster.yml' }, { ...settings, privateKey: '/k/id' }).env;

  it('pins host keys with kspray known_hosts only, and never prompts for one', () => {
    const o = sshOptions(env);
    expect(o).toMatchObject({ StrictHostKeyChecking: 'yes', UserKnownHostsFile: '/w/known_hosts', GlobalKnownHostsFile: '/dev/null' });
    expect(env.ANSIBLE_SSH_ARGS).not.toMatch(/StrictHostKeyChecking=(no|accept-new)/);
    expect(env.ANSIBLE_HOST_KEY_CHECKING).toBe('True');
    expect(env.KSPRAY_KNOWN_HOSTS).toBe('/w/known_hosts');
    expect(env.KSPRAY_SSH_KEY).toBe('/k/id');
  });

  it('shares connections per host under the control path dir', () => {
    expect(sshOptions(env)).toMatchObject({ ControlMaster: 'auto', ControlPath: '/run/kspray/cp/%C' });
  });

  it("the checkout's ansible.cfg, kspray's events callback, its own fact cache, forks and timeouts", () => {
    expect(env).toMatchObject({
      ANSIBLE_CONFIG: '/ks/ansible.cfg',
      ANSIBLE_CALLBACK_PLUGINS: '/repo/templates/ansible/callback',
      ANSIBLE_CALLBACKS_ENABLED: 'kspray_events,profile_tasks',
      KSPRAY_EVENTS_FILE: '/w/run/events.jsonl',
      ANSIBLE_CACHE_PLUGIN: 'jsonfile',
      ANSIBLE_CACHE_PLUGIN_CONNECTION: '/w/facts',
      ANSIBLE_FORKS: '6',
      ANSIBLE_TIMEOUT: '300',
      ANSIBLE_PIPELINING: 'True',
      ANSIBLE_NOCOLOR: '1',
    });
    expect(checkoutEnv(settings)).toMatchObject({ ANSIBLE_CALLBACKS_ENABLED: 'kspray_events', ANSIBLE_RETRY_FILES_ENABLED: 'False' });
    expect(ansibleCommand({ playbook: 'cluster.yml' }, settings).env.KSPRAY_SSH_KEY).toBeUndefined();
  });

  it('forks: every host at once, at least Ansible’s 5 and at most 50', () => {
    expect([1, 5, 6, 50, 51, 5000].map(forksFor)).toEqual([5, 5, 6, 50, 50, 50]);
  });
});

describe('the command shown for --dry-run and run records', () => {
  it('cd into the checkout, the chosen environment, then the argv, each shell-quoted', () => {
    const c = ansibleCommand({ playbook: 'cluster.yml', extraVars: { a: "it's" } }, settings);
    const shown = displayCommand(c);
    expect(shown.startsWith("cd /ks && ANSIBLE_SSH_ARGS='-o ")).toBe(true);
    expect(shown).toContain(" ANSIBLE_CACHE_PLUGIN_CONNECTION=/w/facts ANSIBLE_FORKS=6 /venv/bin/ansible-playbook -i /w/inventory/hosts.yaml -b -e ");
    expect(shown).toContain(`'{"a":"it'\\''s"}'`);
    expect(shown.endsWith(' cluster.yml')).toBe(true);
    expect(displayCommand(c, [])).toBe(`cd /ks && /venv/bin/ansible-playbook -i /w/inventory/hosts.yaml -b -e '{"a":"it'\\''s"}' cluster.yml`);
  });
});
