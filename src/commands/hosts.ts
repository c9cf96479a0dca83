// kspray hosts trust: connect once, show each host key's fingerprint, pin it in the cluster's known_hosts.
import { createInterface } from 'node:readline/promises';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { checkKey, fingerprint, KnownHosts } from '../ssh/known-hosts.js';
import { fetchHostKey } from '../ssh/fetch-key.js';
import { eachHost, targetFor } from '../ssh/targets.js';
import { openWorkspace } from '../workspace.js';

async function ask(q: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(q)).trim());
  } finally {
    rl.close();
  }
}

export async function trust(ctx: CommandContext, names: string[], o: { yes?: boolean; replace?: boolean }): Promise<number> {
  const ws = await openWorkspace(ctx);
  const r = ctx.reporter;
  const unknown = names.filter((n) => !ws.cluster.hosts.some((h) => h.name === n));
  if (unknown.length) throw new KsprayError('BadArgument', `not hosts of ${ws.cluster.name}: ${unknown.join(', ')}`);
  const hosts = ws.cluster.hosts.filter((h) => !names.length || names.includes(h.name));
  const kh = await KnownHosts.load(ws.knownHostsFile);
  const keys = await eachHost(hosts, 20, (h) => fetchHostKey(targetFor(ws.cluster, h, ws.configDir)));
  let pinned = 0;
  let failed = 0;
  const rows: Record<string, unknown>[] = [];
  for (const [i, res] of keys.entries()) {
    const h = hosts[i]!;
    if (!res.ok) {
      failed++;
      r.host(h.name, r.color.red(`unreachable: ${(res.error as Error).message}`));
      rows.push({ host: h.name, status: 'unreachable' });
      continue;
    }
    const fp = fingerprint(res.value);
    const check = checkKey(kh, h.address, h.port, res.value);
    if (check.status === 'match') {
      r.host(h.name, `${res.value.type} ${fp} already pinned`);
      rows.push({ host: h.name, status: 'pinned', fingerprint: fp });
      continue;
    }
    if (check.status === 'mismatch' && !o.replace) {
      failed++;
      r.host(h.name, r.color.red(`CHANGED: offers ${fp}, pinned ${check.pinned.map(fingerprint).join(', ')}`));
      rows.push({ host: h.name, status: 'mismatch', fingerprint: fp, pinned: check.pinned.map(fingerprint) });
      continue;
    }
    const what = check.status === 'mismatch' ? `replace ${check.pinned.map(fingerprint).join(', ')} with ${fp}` : `pin ${res.value.type} ${fp}`;
    if (o.yes || (await ask(`${h.name} (${h.address}:${h.port}): ${what}? [y/N] `))) {
      kh.pin(h.address, h.port, res.value);
      pinned++;
      r.host(h.name, r.color.green(`${res.value.type} ${fp} pinned`));
      rows.push({ host: h.name, status: 'newly-pinned', fingerprint: fp });
    } else {
      failed++;
      r.host(h.name, r.color.yellow(`${fp} not pinned`));
      rows.push({ host: h.name, status: 'declined', fingerprint: fp });
    }
  }
  if (pinned) await kh.save();
  r.result({ knownHosts: ws.knownHostsFile, hosts: rows }, () => r.info(`${ws.knownHostsFile}: ${pinned} pinned, ${failed} not`));
  if (failed) throw new KsprayError(keys.some((k) => !k.ok) ? 'HostsUnreachable' : 'HostKeyMismatch', `${failed} host(s) not trusted`, {
    hint: o.replace ? undefined : 'if a host was reinstalled, check its new key on the console and re-run with --replace',
  });
  return 0;
}
