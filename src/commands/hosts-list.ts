// kspray hosts: the cluster's hosts with roles, addresses and the host keys pinned for them. Reads files only.
import { requireValidConfig } from '../config-file.js';
import { hostRoles } from '../config/model.js';
import type { CommandContext } from '../context.js';
import { formatTable } from '../io/table.js';
import { fingerprint, KnownHosts } from '../ssh/known-hosts.js';
import { knownHostsPath } from '../workspace.js';

export async function listHosts(ctx: CommandContext): Promise<number> {
  const { cluster, dir } = await requireValidConfig(ctx.configPath);
  const khPath = knownHostsPath(cluster, dir);
  const kh = await KnownHosts.load(khPath);
  const rows = cluster.hosts.map((h) => ({
    name: h.name,
    roles: hostRoles(h),
    address: h.address,
    port: h.port,
    ip: h.ip,
    ...(h.accessIp !== h.ip ? { accessIp: h.accessIp } : {}),
    ...(h.pending ? { pending: true } : {}),
    hostKeys: kh.lookup(h.address, h.port).map((k) => ({ type: k.type, fingerprint: fingerprint(k) })),
  }));
  const r = ctx.reporter;
  r.result({ cluster: cluster.name, knownHosts: khPath, hosts: rows }, () => {
    const cols = rows.map((x) => [
      x.name,
      x.roles.join(','),
      `${x.address}${x.port === 22 ? '' : `:${x.port}`}`,
      x.ip === x.address ? '' : x.ip,
      x.hostKeys.length ? x.hostKeys.map((k) => `${k.type} ${k.fingerprint}`).join(', ') : r.color.yellow('not pinned'),
    ]);
    const head = ['NAME', 'ROLES', 'ADDRESS', 'IP', 'HOST KEY'];
    r.print(formatTable(head, cols));
    const unpinned = rows.filter((x) => !x.hostKeys.length).length;
    r.info(unpinned ? `${unpinned} of ${rows.length} hosts not pinned in ${khPath}: run \`kspray hosts trust\`` : `all ${rows.length} hosts pinned in ${khPath}`);
  });
  return 0;
}
