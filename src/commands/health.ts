// kspray health: checks through the Kubernetes API and etcd over SSH; exit 0 healthy, 10 warnings, 11 failures.
import { resolve } from 'node:path';
import { becomePassword, type BecomeOptions } from '../become.js';
import type { CommandContext } from '../context.js';
import { KsprayError } from '../errors.js';
import { trapInterrupts } from '../runs/interrupt.js';
import { openWorkspace } from '../workspace.js';

export interface HealthOptions extends BecomeOptions {
  output?: string;
  watch?: boolean;
  interval?: string;
  kubeconfig?: string;
  context?: string;
  timeout?: string;
}

export async function health(ctx: CommandContext, o: HealthOptions): Promise<number> {
  const ws = await openWorkspace(ctx, { forHosts: true });
  const { collectHealth } = await import('../health/run.js');
  const { exitCodeFor, printReport } = await import('../health/report.js');
  const { stateKubeconfig } = await import('../kube/kubeconfig.js');
  const file = o.kubeconfig ? resolve(ctx.cwd, o.kubeconfig) : stateKubeconfig(ws.stateDir);
  const timeoutMs = seconds(o.timeout ?? '10', '--timeout') * 1000;
  const pw = await becomePassword(o, ctx.env, ctx.reporter);
  const once = async () => {
    const report = await collectHealth({
      cluster: ws.cluster,
      configDir: ws.configDir,
      knownHostsFile: ws.knownHostsFile,
      kubeconfig: { file, ...(o.context ? { context: o.context } : {}) },
      timeoutMs,
      ...(pw !== undefined ? { becomePassword: pw } : {}),
    });
    printReport(ctx.reporter, report);
    return exitCodeFor(report.status);
  };
  if (!o.watch) return once();
  const every = seconds(o.interval ?? '10', '--interval') * 1000;
  const intr = trapInterrupts();
  let code = 0;
  try {
    while (!intr.signal.aborted) {
      ctx.reporter.info(ctx.reporter.color.gray(`-- ${new Date().toISOString()} (every ${every / 1000}s, Ctrl-C to stop)`));
      code = await once();
      await new Promise<void>((res) => {
        const t = setTimeout(res, every);
        intr.signal.addEventListener('abort', () => (clearTimeout(t), res()), { once: true });
      });
    }
  } finally {
    intr.dispose();
  }
  return code;
}

function seconds(v: string, flag: string): number {
  const n = Number(v.replace(/s$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new KsprayError('BadArgument', `${flag} ${v} is not a number of seconds`);
  return n;
}
