// kspray hosts trust: the trust flow (flows/hosts-trust.ts) with the operator answering its questions here.
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { runTask } from '../flows/flow.js';
import { trustContext, trustPhases } from '../flows/hosts-trust.js';
import { KnownHosts } from '../ssh/known-hosts.js';
import { openWorkspace } from '../workspace.js';

export async function trust(ctx: CommandContext, names: string[], o: { yes?: boolean; replace?: boolean }): Promise<number> {
  const ws = await openWorkspace(ctx, { forHosts: true });
  const r = ctx.reporter;
  const unknown = names.filter((n) => !ws.cluster.hosts.some((h) => h.name === n));
  if (unknown.length) throw new KsprayError('BadArgument', `not hosts of ${ws.cluster.name}: ${unknown.join(', ')}`);
  const kh = await KnownHosts.load(ws.knownHostsFile);
  const { rows } = await runTask((base) => trustContext(base, ws, kh, { names, yes: Boolean(o.yes), replace: Boolean(o.replace), confirm: (q: string) => (r.interactive ? r.confirm(q) : Promise.resolve(false)) }), trustPhases(), 'hosts trust', r);

  const bad = rows.filter((x) => x.status !== 'pinned' && x.status !== 'newly-pinned');
  r.result({ knownHosts: ws.knownHostsFile, hosts: rows }, () => r.info(`${ws.knownHostsFile}: ${rows.length - bad.length} pinned, ${bad.length} not`));
  if (bad.length)
    throw new KsprayError(bad.some((x) => x.status === 'unreachable') ? 'HostsUnreachable' : 'HostKeyMismatch', `${bad.length} host(s) not trusted: ${bad.map((x) => `${x.host} (${x.status})`).join(', ')}`, {
      ...(o.replace ? {} : { hint: 'if a host was reinstalled, check its new key on its console and re-run with --replace' }),
    });
  return 0;
}
