// `lab up`: namespaces, bridge, per-host sshd, key, known_hosts, kspray.yaml and lab.json.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeKnownHosts, writeLabConfig } from './config-file.js';
import { labDown } from './down.js';
import { hostDir, namesOf, readLabInfo, writeLabInfo, type LabHost, type LabInfo } from './info.js';
import { createHostNet, ensureBridge } from './netns.js';
import { isAlive, run } from './proc.js';
import { labSettings, planHosts, STANDIN_DIR, type LabSettings, type PlannedHost } from './settings.js';
import { prepareHostFs } from './host-fs.js';
import { fingerprint, generateKey, HOST_KEY, sshdConfig, startSshd } from './sshd.js';

export interface LabUpOptions extends Partial<LabSettings> {
  /** recreate even if a matching lab is running */
  fresh?: boolean;
}

export async function labUp(opts: LabUpOptions = {}): Promise<LabInfo> {
  const s = labSettings(opts);
  const existing = readLabInfo(s.dir);
  if (existing && !opts.fresh && matches(existing, s) && existing.hosts.every((h) => isAlive(h.pids.sshd))) return existing;
  await labDown({ dir: s.dir });

  fs.mkdirSync(s.dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(s.dir, 'id_ed25519');
  if (!fs.existsSync(keyFile)) await generateKey(keyFile, 'kspray-lab');
  const user = await ensureUser(s.sshUser);
  const names = namesOf(s);
  const gateway = `${s.subnet}.1`;
  await ensureBridge(names.bridge, gateway);

  const authorizedKey = fs.readFileSync(`${keyFile}.pub`, 'utf8');
  const hosts = await Promise.all(
    planHosts(s).map((p) => startHost(s, p, { user, authorizedKey, gateway, bridge: names.bridge })),
  );
  const info: LabInfo = {
    version: 1,
    dir: s.dir,
    subnet: s.subnet,
    prefix: s.prefix,
    bridge: names.bridge,
    gateway,
    sshUser: s.sshUser,
    keyFile,
    knownHostsFile: path.join(s.dir, 'known_hosts'),
    controlPathDir: path.join(s.dir, 'cp'),
    configFile: path.join(s.dir, 'kspray.yaml'),
    kubesprayPath: STANDIN_DIR,
    venv: s.venv,
    kubesprayVersion: s.kubesprayVersion,
    kubernetesVersion: s.kubernetesVersion,
    hosts,
  };
  fs.mkdirSync(info.controlPathDir, { recursive: true, mode: 0o700 });
  writeKnownHosts(info);
  writeLabConfig(info);
  writeLabInfo(info);
  return info;
}

function matches(info: LabInfo, s: LabSettings): boolean {
  const want = planHosts(s).map((h) => `${h.name}@${h.address}`).join(',');
  return info.subnet === s.subnet && info.prefix === s.prefix && info.hosts.map((h) => `${h.name}@${h.address}`).join(',') === want;
}

async function startHost(
  s: LabSettings,
  p: PlannedHost,
  c: { user: { uid: number; gid: number }; authorizedKey: string; gateway: string; bridge: string },
): Promise<LabHost> {
  const names = namesOf(s);
  const dir = hostDir(s.dir, p.name);
  const netns = names.netns(p.name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const [, password] = await Promise.all([
    generateKey(path.join(dir, HOST_KEY), `${p.name}-host`),
    p.sudoPassword ? makePassword() : Promise.resolve(undefined),
    createHostNet({ netns, veth: names.veth(p.address), bridge: c.bridge, address: p.address, gateway: c.gateway }),
  ]);
  const script = prepareHostFs({
    hostDir: dir,
    name: p.name,
    address: p.address,
    user: s.sshUser,
    uid: c.user.uid,
    gid: c.user.gid,
    authorizedKey: c.authorizedKey,
    passwordHash: password?.hash,
    sshdConfig: sshdConfig({ hostDir: dir, address: p.address, user: s.sshUser }),
  });
  const sshd = await startSshd({ netns, hostDir: dir, script, address: p.address });
  const pub = path.join(dir, `${HOST_KEY}.pub`);
  return {
    name: p.name,
    address: p.address,
    roles: p.roles,
    spare: p.spare,
    ...(password ? { sudoPassword: password.plain } : {}),
    netns,
    hostKeyFingerprint: await fingerprint(pub),
    hostKeyPublic: fs.readFileSync(pub, 'utf8').trim(),
    fsRoot: path.join(dir, 'fs'),
    pids: { sshd },
  };
}

async function makePassword(): Promise<{ plain: string; hash: string }> {
  const plain = crypto.randomBytes(15).toString('base64url');
  const { stdout } = await run(['openssl', 'passwd', '-6', '-stdin'], { input: plain + '\n' });
  return { plain, hash: stdout.trim() };
}

/** The login user exists on the machine with a non-locked password field ('*': no password login, keys work). */
async function ensureUser(user: string): Promise<{ uid: number; gid: number }> {
  if ((await run(['id', '-u', user], { allowFail: true })).code !== 0)
    await run(['useradd', '--create-home', '--shell', '/bin/bash', user]);
  const shadow = fs.readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (shadow?.split(':')[1]?.startsWith('!')) await run(['usermod', '-p', '*', user]);
  const uid = Number((await run(['id', '-u', user])).stdout.trim());
  const gid = Number((await run(['id', '-g', user])).stdout.trim());
  return { uid, gid };
}
