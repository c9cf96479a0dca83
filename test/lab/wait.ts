// Waiting in tests: on a condition, polled, with a deadline that names what was awaited. Never a fixed sleep.
import fs from 'node:fs';

export interface WaitOptions {
  timeoutMs: number;
  /** what is awaited, for the timeout message ("sshd on 10.0.0.5:22") */
  what: string;
  intervalMs?: number;
}

/** Resolve with the first truthy value of `cond`; reject after `timeoutMs` saying what did not happen. */
export async function waitFor<T>(cond: () => T | Promise<T>, o: WaitOptions): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as Exclude<T, false | 0 | '' | null | undefined>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${o.timeoutMs / 1000}s waiting for ${o.what}`);
    await new Promise((r) => setTimeout(r, Math.min(o.intervalMs ?? 100, Math.max(0, deadline - Date.now()))));
  }
}

/** The promise's value, or undefined once `ms` pass without it (a deadline on an event, not a pause). */
export function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Whether a process whose command line contains `needle` runs in network namespace `netns` (a lab host). */
export function runsInNetns(netns: string, needle: string): boolean {
  const ns = fs.statSync(`/run/netns/${netns}`).ino;
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).some((pid) => {
    try {
      return fs.statSync(`/proc/${pid}/ns/net`).ino === ns && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(needle);
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** The stand-in's injected hang (KSPRAY_STANDIN_HANG / standin_hang) is running on the host. */
export const standinHangs = (netns: string) => runsInNetns(netns, 'sleep 2147483647');
