// Commands and flags only. Each action lazily imports its command module, so `kspray validate` never loads SSH or Kubernetes code.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandContext } from './context.js';
import type { Reporter } from './io/reporter.js';

// read, not require()d: creating a CommonJS loader costs startup time on every command
// the bundle carries its version (scripts/build.mjs); running from source reads package.json
declare const __KSPRAY_VERSION__: string | undefined;
const version = typeof __KSPRAY_VERSION__ === 'string' ? __KSPRAY_VERSION__ : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Action = (ctx: CommandContext, ...args: any[]) => Promise<number | void>;

export function buildProgram(reporter: Reporter, result: { code: number }, ansibleArgs: string[] = []): Command {
  const program = new Command('kspray')
    .description('One typed config and a handful of safe commands for kubespray clusters')
    .version(version, '-V, --version')
    .addOption(new Option('-c, --config <file>', 'cluster config').env('KSPRAY_CONFIG').default('kspray.yaml'))
    .option('--debug', 'print stack traces and debug output')
    .option('--no-color', 'disable colours (also NO_COLOR)')
    .showHelpAfterError('(run with --help for usage)')
    // -c/--config, --debug and --no-color work after any subcommand: say so in each one's help
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();

  const wrap =
    (load: () => Promise<Action>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const globals = cmd.optsWithGlobals() as { config: string; debug?: boolean };
      const ctx: CommandContext = { reporter, configPath: resolve(globals.config), debug: Boolean(globals.debug), cwd: process.cwd(), env: process.env, ansibleArgs };
      if (ansibleArgs.length) (await import('./playbooks/passthrough.js')).checkAnsibleArgs(cmd.name(), ansibleArgs);
      const fn = await load();
      const code = await fn(ctx, ...args.slice(0, -1));
      result.code = typeof code === 'number' ? code : 0;
    };
  const output = () => new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text');

  program
    .command('init')
    .description('write a kspray.yaml: a commented starter, or a complete example')
    .option('--example <name>', 'write a complete example (homelab)')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExamples:\n  kspray init\n  kspray init --example homelab -c homelab.yaml')
    .action(wrap(async () => (await import('./commands/init.js')).init));

  program
    .command('import <inventory>')
    .description('turn an existing kubespray inventory (file or directory) into kspray.yaml, proven to change nothing any host sees')
    .option('--kubespray <dir>', 'the kubespray checkout the cluster is deployed from', 'kubespray')
    .option('--kubernetes-version <v>', 'pin kube_version (needed when the inventory leaves it to the release default)')
    .option('--force', 'overwrite an existing config file')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray import inventory/mycluster/inventory.ini --kubespray ./kubespray\n  kspray import inventory/mycluster -c mycluster.yaml --kubernetes-version v1.31.4 -o json')
    .action(wrap(async () => (await import('./commands/import.js')).importInventory));

  program
    .command('validate')
    .description('check the config before any host is touched; prints every problem at once')
    .option('--kubespray', "also run the configured kubespray checkout's own inventory checks on this machine (no host is touched)")
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray validate\n  kspray validate -c prod.yaml -o json\n  kspray validate --kubespray')
    .action(wrap(async () => (await import('./commands/validate.js')).validate));

  program
    .command('render')
    .description('write the kubespray inventory (hosts.yaml + group_vars) for the configured release')
    .option('--out <dir>', 'output directory (default: .kspray/<cluster>/inventory next to the config)')
    .option('-o, --output <format>', 'output format: text or json (json includes every rendered file)', 'text')
    .option('--force', 'overwrite rendered files that were edited by hand')
    .option('--stdout', 'print the files instead of writing them')
    .addHelpText('after', '\nExamples:\n  kspray render\n  kspray render --out inventory/homelab\n  kspray render --stdout -o json | jq -r \'.files[].path\'')
    .action(wrap(async () => (await import('./commands/render.js')).render));

  program
    .command('plan')
    .description('what kspray apply would do: kspray.yaml against what was last applied, as operations in run order (reads files only)')
    .addOption(output())
    .addHelpText('after', '\nExit codes: 0 no changes, 13 changes pending, 3 a change a running cluster cannot make.\n\nExamples:\n  kspray plan\n  kspray plan -o json | jq .operations')
    .action(wrap(async () => (await import('./commands/plan.js')).plan));

  program
    .command('diff')
    .description('the rendered inventory, variable by variable: what was last applied against the config, or between runs')
    .option('--run <id>', 'compare from this run (`kspray runs` lists them); twice: between two runs', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray diff\n  kspray diff --run 20261201-101500-deploy\n  kspray diff --run A --run B -o json')
    .action(wrap(async () => (await import('./commands/plan.js')).diff));

  program
    .command('certs')
    .description("every certificate that matters on the cluster's hosts (over SSH) and in the operator's kubeconfig, soonest expiry first")
    .option('--local <files...>', 'only these certificate (PEM) or kubeconfig files on this machine, no SSH')
    .option('--warn-days <n>', 'warn when a certificate expires within N days (default spec.security.certificates.warnDays, 30)')
    .option('--ask-become-pass', 'prompt for the sudo password of the nodes')
    .option('--become-password-file <file>', 'read the sudo password from a file (or set KSPRAY_BECOME_PASSWORD)')
    .addOption(output())
    .addHelpText('after', '\nExit codes: 0 all valid beyond the threshold, 10 one expires within it, 11 one is expired or not yet valid, 6 a host unreachable (the others still listed).\n\nExamples:\n  kspray certs\n  kspray certs -o json | jq .summary\n  kspray certs --local .kspray/homelab-kubespray/kubeconfig\n  kspray certs --local pki/*.crt -o json | jq .summary')
    .action(wrap(async () => (await import('./commands/certs.js')).certs));
  program.commands
    .find((c) => c.name() === 'certs')!
    .command('renew')
    .description("renew kubeadm's certificates (never the CAs) one control plane at a time, restarting its static pods and waiting for its API server; then the operator's kubeconfig")
    .option('--dry-run', 'print the plan and touch nothing')
    .option('--yes', 'do not ask for confirmation')
    .option('--ask-become-pass', 'prompt for the sudo password of the nodes')
    .option('--become-password-file <file>', 'read the sudo password from a file (or set KSPRAY_BECOME_PASSWORD)')
    .addOption(output())
    .addHelpText('after', "\netcd's certificates are kubespray's (its own CA, a long lifetime): listed, not renewed; kubespray's playbook re-issues them.\n\nExamples:\n  kspray certs renew --dry-run\n  kspray certs renew --yes -o json")
    .action(wrap(async () => (await import('./commands/certs.js')).certsRenew));

  program
    .command('docs')
    .description("write the cluster's architecture document (topology, network, components, HA, capacity), computed from the config")
    .addOption(new Option('-o, --output <format>', 'document format').choices(['markdown', 'json']).default('markdown'))
    .option('--out <file>', 'write the document to FILE (atomically) instead of printing it')
    .option('--check <file>', 'exit 1, naming the first differing line, when FILE no longer matches the config (for CI)')
    .option('--live', "add hardware from the fact cache, CPU/memory allocatable and requested from the Kubernetes API, and the kubeconfig certificate's expiry")
    .option('--kubeconfig <file>', 'with --live: kubeconfig to use (default .kspray/<cluster>/kubeconfig)')
    .option('--context <name>', 'with --live: kubeconfig context')
    .addHelpText('after', '\nExamples:\n  kspray docs > ARCHITECTURE.md\n  kspray docs --out docs/architecture.md\n  kspray docs -o json | jq .capacity\n  kspray docs --check docs/architecture.md\n  kspray docs --live -o json | jq .live')
    .action(wrap(async () => (await import('./commands/docs.js')).docs));

  program
    .command('schema')
    .description('print the JSON Schema of kspray.yaml')
    .addHelpText('after', '\nExamples:\n  kspray schema > kspray.schema.json')
    .action(wrap(async () => (await import('./commands/schema.js')).schema));

  const lifecycle = async () => import('./commands/lifecycle.js');
  const flowOpts = (c: Command) =>
    c
      .option('--dry-run', 'print the plan (playbooks, order, arguments, hosts) and touch nothing')
      .option('--ignore-preflight <checks...>', 'preflight checks to accept (e.g. systemd memory)')
      .option('--ask-become-pass', 'prompt for the sudo password of the nodes')
      .option('--become-password-file <file>', 'read the sudo password from a file (or set KSPRAY_BECOME_PASSWORD)')
      .option('--skip-kubespray-checks', "emergencies only: do not run kubespray's own inventory checks before the first playbook")
      .addOption(output());

  flowOpts(
    program
      .command('deploy')
      .description('preflight the hosts, render the inventory and run kubespray cluster.yml')
      .option('--skip-preflight', 'do not check the hosts first'),
  )
    .addHelpText('after', '\nExamples:\n  kspray deploy --dry-run\n  kspray deploy\n  KSPRAY_BECOME_PASSWORD=... kspray deploy -o json')
    .action(wrap(async () => (await lifecycle()).deploy));

  flowOpts(
    program
      .command('add-node <name>')
      .description('add a node the way kubespray documents it (workers: facts.yml + scale.yml --limit)')
      .option('--address <addr>', 'SSH address of the new node')
      .option('--ip <ip>', 'internal IPv4 (defaults to the address)')
      .option('--role <role...>', 'worker (default), control-plane, etcd')
      .option('--allow-even-etcd', 'allow an even number of etcd members'),
  )
    .addHelpText('after', '\nExamples:\n  kspray add-node kube04 --address 192.168.10.240\n  kspray add-node km04 --address 192.168.10.241 --role control-plane')
    .action(wrap(async () => (await lifecycle()).addNode));

  flowOpts(
    program
      .command('remove-node <name>')
      .description('drain and remove a node with remove-node.yml -e node=NAME')
      .option('--unreachable', 'the node is dead: remove it without contacting it')
      .option('--allow-even-etcd', 'allow leaving an even number of etcd members')
      .option('-y, --yes', 'do not ask for confirmation'),
  )
    .addHelpText('after', '\nExamples:\n  kspray remove-node kube03\n  kspray remove-node kube02 --unreachable --yes')
    .action(wrap(async () => (await lifecycle()).removeNode));

  flowOpts(
    program
      .command('upgrade')
      .description('upgrade Kubernetes (and kubespray, by the release train: one tag at a time), with an etcd backup first')
      .option('--to <version>', 'target Kubernetes version (e.g. v1.29.5) or latest; without it, what kspray.yaml now says')
      .option('--plan', 'print the whole release train (hops, Ansible, checkouts, config changes) from files only; runs nothing')
      .option('--train', 'with --to VERSION: take the release train even where one upgrade within the tag would do (--to takes it anyway when the version needs more than one hop)')
      .option('--prefetch', "run kubespray's download phase before each upgrade, then upgrade with skip_downloads=true")
      .option('--skip-backup', 'do not take an etcd backup first')
      .option('--serial <n>', 'nodes upgraded at once (kubespray serial, default 20%)')
      .option('--no-drain', 'do not drain nodes (drain_nodes=false)')
      .option('--drain-timeout <duration>', 'kubespray drain_timeout, e.g. 360s')
      .option('--drain-grace-period <seconds>', 'kubespray drain_grace_period'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  kspray upgrade --to v1.29.5 --dry-run\n  kspray upgrade --to v1.29.5 --serial 1\n  kspray upgrade --plan --to latest -o json\n  kspray upgrade --to latest --prefetch\n  kspray upgrade                      # to what spec.kubernetes.version / spec.kubespray.version now say',
    )
    .action(wrap(async () => (await import('./commands/upgrade.js')).upgrade));

  flowOpts(
    program
      .command('apply')
      .description('make the cluster what kspray.yaml says: the plan (`kspray plan`), an approval, then each operation as its flow')
      .option('-y, --yes', 'do not ask for approval'),
  )
    .addHelpText('after', '\nExamples:\n  kspray apply --dry-run\n  kspray apply\n  kspray apply --yes --no-wait')
    .action(wrap(async () => (await import('./commands/apply.js')).apply));

  program
    .command('rebase')
    .description("record kspray.yaml as applied for a cluster whose applied state was lost, once its Nodes match the config's hosts, roles and version")
    .option('--dry-run', 'print what would be checked and recorded')
    .option('--ask-become-pass', 'prompt for the sudo password of the nodes')
    .option('--become-password-file <file>', 'read the sudo password from a file (or set KSPRAY_BECOME_PASSWORD)')
    .option('-y, --yes', 'do not ask for confirmation')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray rebase --dry-run\n  kspray rebase --yes')
    .action(wrap(async () => (await import('./commands/rebase.js')).rebase));

  flowOpts(program.command('reset').description('wipe Kubernetes from every host (reset.yml)').option('-y, --yes', 'do not ask for the cluster name'))
    .addHelpText('after', '\nExamples:\n  kspray reset --dry-run\n  kspray reset --yes')
    .action(wrap(async () => (await lifecycle()).reset));

  program
    .command('doctor')
    .description('check this machine: ansible version for the release, python modules, kubespray checkout, SSH key, pinned host keys')
    .addOption(output())
    .option('--to <version>', 'also check every hop of the release train to this version (or latest) is ready')
    .addHelpText('after', '\nExamples:\n  kspray doctor\n  kspray doctor -c prod.yaml -o json\n  kspray doctor --to latest')
    .action(wrap(async () => (await import('./commands/doctor.js')).doctor));

  program
    .command('setup')
    .description('clone the configured kubespray release and create a venv with its requirements.txt')
    .option('--repository <url>', 'git URL to clone from (default: spec.kubespray.repository or upstream)')
    .option('--no-venv', 'only clone; do not create the virtualenv')
    .option('--to <version>', 'also every tag of the release train to this version (or latest), each in its own checkout')
    .addHelpText('after', '\nExamples:\n  kspray setup\n  kspray setup --repository /srv/mirrors/kubespray.git\n  kspray setup --to latest')
    .action(wrap(async () => (await import('./commands/setup.js')).setup));

  const hosts = program
    .command('hosts')
    .description("the cluster's hosts: roles, addresses and pinned SSH host keys (reads files only)")
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray hosts\n  kspray hosts -o json\n  kspray hosts trust')
    .action(wrap(async () => (await import('./commands/hosts-list.js')).listHosts));
  hosts
    .command('trust [names...]')
    .description('connect once, show each host key fingerprint and pin it in the cluster known_hosts')
    .option('-y, --yes', 'pin without asking')
    .option('--replace', 'replace a pinned key that changed (after checking it on the host)')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray hosts trust\n  kspray hosts trust km02 --replace')
    .action(wrap(async () => (await import('./commands/hosts.js')).trust));

  const runsCmd = program
    .command('runs')
    .description('list past runs (.kspray/runs)')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray runs\n  kspray runs show last --log')
    .action(wrap(async () => (await import('./commands/runs.js')).runs));
  runsCmd
    .command('show <id>')
    .description('show one run: steps, commands, failures (id, prefix or "last")')
    .option('--log', 'also print the full ansible output')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray runs show last\n  kspray runs show 20261124T150405Z-deploy --log')
    .action(wrap(async () => (await import('./commands/runs.js')).showRun));

  // --- health & kubeconfig -------------------------------------------------------------
  program
    .command('kubeconfig')
    .description('fetch the admin kubeconfig from a control plane (SSH), named after the cluster, 0600')
    .option('--merge', 'merge into ~/.kube/config (or the first file in KUBECONFIG)')
    .option('--out <file>', 'write here instead of .kspray/<cluster>/kubeconfig')
    .option('--ask-become-pass', 'prompt for the sudo password of the nodes')
    .option('--become-password-file <file>', 'read the sudo password from a file (or set KSPRAY_BECOME_PASSWORD)')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray kubeconfig\n  kspray kubeconfig --merge\n  kspray kubeconfig --out admin.conf')
    .action(wrap(async () => (await import('./commands/kubeconfig.js')).kubeconfig));

  program
    .command('health')
    .description('check the cluster through the Kubernetes API and etcd over SSH (exit 0 ok, 10 warnings, 11 failures)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'text', 'json']).default('table'))
    .option('--watch', 'repeat until Ctrl-C')
    .option('--interval <seconds>', 'seconds between --watch passes', '10')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: .kspray/<cluster>/kubeconfig from `kspray kubeconfig`)')
    .option('--context <name>', 'kubeconfig context')
    .option('--timeout <seconds>', 'per-request timeout for the API server', '10')
    .option('--ask-become-pass', 'prompt for the sudo password of the nodes (etcd checks)')
    .option('--become-password-file <file>', 'read the sudo password from a file (or set KSPRAY_BECOME_PASSWORD)')
    .addHelpText('after', '\nExamples:\n  kspray health\n  kspray health -o json\n  kspray health --watch --kubeconfig ~/.kube/config --context prod')
    .action(wrap(async () => (await import('./commands/health.js')).health));
  for (const name of ['deploy', 'add-node', 'upgrade', 'apply'])
    program.commands
      .find((c) => c.name() === name)
      ?.option('--wait-timeout <duration>', 'how long to wait for the nodes to be Ready afterwards (default 5m)')
      .option('--no-wait', 'do not wait for the nodes to be Ready, nor report health');
  // --- end health & kubeconfig -----------------------------------------------------------------

  // --- etcd backup & restore -------------------------------------------------------------
  const etcd = async () => import('./commands/etcd-backup.js');
  // `etcd-backup` and its subcommands share --out/--keep/become flags; commander gives them to the parent, so merge them back
  const withParent =
    (fn: Action): Action =>
    (ctx, ...args) => {
      const o = args.at(-1) as Record<string, unknown>;
      return fn(ctx, ...args.slice(0, -1), { ...program.commands.find((c) => c.name() === 'etcd-backup')!.opts(), ...o });
    };
  const become = (c: Command) =>
    c
      .option('--ask-become-pass', 'prompt for the sudo password of the nodes')
      .option('--become-password-file <file>', 'read the sudo password from a file (or set KSPRAY_BECOME_PASSWORD)');
  const backup = become(
    program
      .command('etcd-backup')
      .description('snapshot etcd on a healthy member, stream it here verified (sha256), store it 0600, apply retention')
      .option('--out <dir>', 'backup root (default: spec.etcd.backup.dir); files go to DIR/<cluster>/')
      .option('--keep <n>', 'keep this many backups (default: spec.etcd.backup.keep)')
      .option('--member <name>', 'snapshot this member (host name or etcd member name)')
      .option('--allow-degraded', 'with quorum lost, snapshot a live member anyway (marked degraded)')
      .addOption(output()),
  )
    .addHelpText('after', '\nExamples:\n  kspray etcd-backup\n  kspray etcd-backup --out /srv/backups --keep 14\n  kspray etcd-backup list\n  kspray etcd-backup verify backups/prod/20261124T030000Z-km01.db\n  kspray etcd-backup schedule --daily')
    .action(wrap(async () => (await etcd()).etcdBackup));
  backup
    .command('list')
    .description('stored backups of this cluster: size, age, verified or not')
    .option('--out <dir>', 'backup root (default: spec.etcd.backup.dir)')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray etcd-backup list\n  kspray etcd-backup list -o json')
    .action(wrap(async () => withParent((await etcd()).etcdBackupList)));
  backup
    .command('verify <file>')
    .description('check a stored backup: sha256 against its metadata and snapshot structure (local etcdutl/etcdctl)')
    .option('--identity <file>', 'age identity, to verify the plaintext of an encrypted backup')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray etcd-backup verify backups/prod/20261124T030000Z-km01.db\n  kspray etcd-backup verify backup.db.age --identity ~/.config/kspray/age.key')
    .action(wrap(async () => withParent((await etcd()).etcdBackupVerify)));
  become(
    backup
      .command('schedule')
      .description('install a systemd timer on this machine that runs the backup (with retention; output to the journal)')
      .option('--daily', 'once a day')
      .option('--every <duration>', 'every systemd time span, e.g. 6h, 30min')
      .option('--system', 'a system unit (/etc/systemd/system) instead of a user unit')
      .option('--unit-dir <dir>', 'write the units here instead (systemctl is then left to you)')
      .option('--print', 'print the units, install nothing')
      .option('--keep <n>', 'passed to etcd-backup --keep')
      .option('--out <dir>', 'passed to etcd-backup --out')
      .addOption(output()),
  )
    .addHelpText('after', '\nExamples:\n  kspray etcd-backup schedule --daily --print\n  kspray etcd-backup schedule --every 6h --keep 28')
    .action(wrap(async () => withParent((await etcd()).etcdBackupSchedule)));
  backup
    .command('unschedule')
    .description('remove the timer and service written by schedule')
    .option('--system', 'the system units')
    .option('--unit-dir <dir>', 'where schedule --unit-dir wrote them')
    .addOption(output())
    .addHelpText('after', '\nExamples:\n  kspray etcd-backup unschedule\n  kspray etcd-backup unschedule --system')
    .action(wrap(async () => withParent((await etcd()).etcdBackupUnschedule)));
  become(
    program
      .command('etcd-restore <file>')
      .description('restore etcd from a backup with recover-control-plane.yml (kubespray), then check etcd health')
      .option('--identity <file>', 'age identity for an encrypted backup')
      .option('--dry-run', 'verify the file and print the plan; touch nothing')
      .option('--skip-kubespray-checks', "emergencies only: do not run kubespray's own inventory checks before the first playbook")
      .option('-y, --yes', 'do not ask for the cluster name')
      .addOption(output()),
  )
    .addHelpText('after', '\nExamples:\n  kspray etcd-restore backups/prod/20261124T030000Z-km01.db\n  kspray etcd-restore backup.db.age --identity ~/.config/kspray/age.key --yes')
    .action(wrap(async () => (await import('./commands/etcd-restore.js')).etcdRestore));
  // --- end etcd backup & restore ------------------------------------------------------------------

  return program;
}
