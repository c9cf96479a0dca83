import { describe, expect, it } from 'vitest';
import { checksPlan } from './checks-playbook.js';
import { splitTasks } from './host-split.js';

describe('splitTasks', () => {
  it('keeps controller-side checks and leaves fact-, result- and module-bound ones to the host', () => {
    const setFacts = [
      { name: 'Check resolvconf', command: 'which resolvconf', register: 'resolvconf' },
      { name: 'Set dns facts', set_fact: { resolvconf: '{{ resolvconf.rc == 0 }}' } },
      { name: 'Set etcd vars', set_fact: { etcd_cert_dir: '{{ kube_cert_dir }}' }, when: ['etcd_deployment_type == "kubeadm"'] },
    ];
    const verify = [
      { name: 'Stop if non systemd OS type', assert: { that: 'ansible_service_mgr == "systemd"' } },
      { name: 'Stop if bad hostname', assert: { that: 'inventory_hostname is match("[a-z0-9]+")', msg: 'bad {{ inventory_hostname }}' } },
      { name: 'Stop if no nameservers', assert: { that: 'configured_nameservers | length > 0' } },
      { name: 'Uses the dns fact', assert: { that: 'resolvconf | bool' } },
      { name: 'Ping it', command: 'ping -c1 {{ access_ip }}' },
      { name: 'Fact in a quoted attribute', vars: { u: "{{ hostvars | dict2items | selectattr('value.ansible_default_ipv4', 'undefined') }}" }, assert: { that: 'u == []' } },
      { name: 'Cache check uses the limit only', assert: { that: "ansible_limit != 'x'" } },
      { name: 'A block on facts', when: 'ansible_os_family == "RedHat"', block: [{ name: 'inner', assert: { that: 'true' } }] },
      { name: 'A block', block: [{ name: 'kept inner', assert: { that: 'x' } }, { name: 'dropped inner', stat: { path: '/' } }] },
    ];
    const defs = { configured_nameservers: "{{ resolvconf_slurp.content | b64decode }}", unrelated: '{{ kube_version }}' };
    const [f, v] = splitTasks([setFacts, verify], { ...defs, resolvconf_slurp: '{{ ansible_facts.x }}' });
    expect(f!.kept.map((t) => t.name)).toEqual(['Set etcd vars']);
    expect(v!.kept.map((t) => t.name)).toEqual(['Stop if bad hostname', 'Cache check uses the limit only', 'A block']);
    expect((v!.kept.at(-1)!.block as { name: string }[]).map((t) => t.name)).toEqual(['kept inner']);
    expect(v!.hostBound).toEqual(['Stop if non systemd OS type', 'Stop if no nameservers', 'Uses the dns fact', 'Ping it', 'Fact in a quoted attribute', 'inner', 'dropped inner']);
  });
});

describe('checksPlan', () => {
  const boilerplate = `
- name: Check ansible version
  import_playbook: ansible_version.yml
- name: Inventory setup and validation
  hosts: all
  gather_facts: false
  roles: [dynamic_groups, validate_inventory]
- name: Install bastion ssh config
  hosts: bastion[0]
  roles: [kubespray_defaults, bastion-ssh-config]
`;
  it('takes the boilerplate up to the inventory checks, all local, and adds the preinstall checks play', () => {
    const p = checksPlan(
      {
        dir: '/ks',
        defaultsRole: 'kubespray-defaults',
        defaultsRoleDirs: ['defaults', 'tasks', 'vars'],
        boilerplate,
        ansibleVersion: '- name: Check Ansible version\n  hosts: all\n  tasks:\n    - name: v\n      assert: { that: \'ansible_version.string is version("2", ">=")\' }\n',
        clusterPlaybook: '- hosts: k8s_cluster:etcd\n  roles: [{ role: kubespray-defaults }, { role: kubernetes/preinstall, tags: preinstall }]\n',
        validateInventory: '- name: Stop if even number of etcd hosts\n  assert: { that: groups.etcd | length is not divisibleby 2 }\n',
        setFacts: '- name: s\n  set_fact: { a: 1 }\n',
        verify: '- name: Stop if non systemd OS type\n  assert: { that: \'ansible_service_mgr == "systemd"\' }\n- name: Stop if bad hostname\n  assert: { that: \'inventory_hostname is match("[a-z]+")\' }\n',
      },
      '/tmp/x',
    );
    expect(p.playbook).not.toMatch(/bastion/);
    const plays = p.playbook.split('\n- name: ').length;
    expect(plays).toBe(3);
    expect(p.playbook.match(/connection: local/g)).toHaveLength(3);
    expect(p.playbook).toMatch(/hosts: k8s_cluster:etcd/);
    // the defaults role's tasks gather facts: only its variables are used, through links
    expect(p.links.map((l) => l.path)).toEqual(['roles/kubespray_defaults_vars/defaults', 'roles/kubespray_defaults_vars/vars']);
    expect(p.hostChecks).toEqual(['Stop if non systemd OS type']);
    expect([...p.tasks.keys()]).toEqual(expect.arrayContaining(['v', 'Stop if even number of etcd hosts', 'Stop if bad hostname']));
  });
});
