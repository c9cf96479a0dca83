// Network plumbing: one bridge in the root namespace, one namespace + veth pair per host.
import { run } from './proc.js';

const ip = (...args: string[]) => run(['ip', ...args]);
const ipQuiet = (...args: string[]) => run(['ip', ...args], { allowFail: true });

export async function linkExists(name: string): Promise<boolean> {
  return (await ipQuiet('link', 'show', 'dev', name)).code === 0;
}

export async function listNetns(): Promise<string[]> {
  const { stdout } = await ipQuiet('netns', 'list');
  return stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
}

export async function ensureBridge(bridge: string, gateway: string): Promise<void> {
  if (!(await linkExists(bridge))) await ip('link', 'add', bridge, 'type', 'bridge');
  await ipQuiet('addr', 'add', `${gateway}/24`, 'dev', bridge);
  await ip('link', 'set', bridge, 'up');
}

/** Create (or recreate) the host's namespace with `eth0` = address/24 on the bridge. */
export async function createHostNet(o: { netns: string; veth: string; bridge: string; address: string; gateway: string }) {
  await deleteHostNet(o.netns, o.veth);
  const peer = `${o.veth}p`;
  await ip('netns', 'add', o.netns);
  await ip('link', 'add', o.veth, 'type', 'veth', 'peer', 'name', peer);
  await ip('link', 'set', peer, 'netns', o.netns);
  await ip('link', 'set', o.veth, 'master', o.bridge, 'up');
  const inNs = (...args: string[]) => ip('-n', o.netns, ...args);
  await inNs('link', 'set', peer, 'name', 'eth0');
  await inNs('addr', 'add', `${o.address}/24`, 'dev', 'eth0');
  await inNs('link', 'set', 'lo', 'up');
  await inNs('link', 'set', 'eth0', 'up');
  await inNs('route', 'add', 'default', 'via', o.gateway);
}

export async function netnsPids(netns: string): Promise<number[]> {
  const { stdout } = await ipQuiet('netns', 'pids', netns);
  return stdout.split('\n').filter(Boolean).map(Number);
}

export async function deleteHostNet(netns: string, veth: string): Promise<void> {
  if (await linkExists(veth)) await ipQuiet('link', 'del', veth);
  if ((await listNetns()).includes(netns)) await ipQuiet('netns', 'del', netns);
}

export async function deleteBridge(bridge: string): Promise<void> {
  if (await linkExists(bridge)) await ipQuiet('link', 'del', bridge);
}
