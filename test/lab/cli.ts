// node --import tsx test/lab/cli.ts up [--hosts N] [--spares N] [--fresh] | down | check | info
import { formatCheck, labCheck } from './check.js';
import { labDown } from './down.js';
import { labUp } from './up.js';
import { readLabInfo } from './info.js';
import { labSettings } from './settings.js';

function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v)) throw new Error(`${name} needs a number`);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'up': {
      const t0 = Date.now();
      const hosts = flag(args, '--hosts');
      const spares = flag(args, '--spares');
      const info = await labUp({
        ...(hosts !== undefined ? { hosts } : {}),
        ...(spares !== undefined ? { spares } : {}),
        fresh: args.includes('--fresh'),
      });
      for (const h of info.hosts)
        console.log(`${h.name.padEnd(8)} ${h.address.padEnd(12)} ${h.roles.join(',')}${h.spare ? ' (spare)' : ''}${h.sudoPassword ? ' (sudo password)' : ''}`);
      console.log(`lab up in ${((Date.now() - t0) / 1000).toFixed(1)}s: config ${info.configFile}`);
      return 0;
    }
    case 'down':
      await labDown();
      console.log('lab down');
      return 0;
    case 'check': {
      const c = await labCheck();
      console.log(formatCheck(c));
      return c.ok ? 0 : 1;
    }
    case 'info': {
      const info = readLabInfo(labSettings().dir);
      if (!info) throw new Error('no lab');
      console.log(JSON.stringify({ ...info, hosts: info.hosts.map(({ sudoPassword, ...h }) => ({ ...h, sudoPassword: sudoPassword ? '***' : undefined })) }, null, 2));
      return 0;
    }
    default:
      console.error('usage: lab up [--hosts N] [--spares N] [--fresh] | down | check | info');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`lab: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
