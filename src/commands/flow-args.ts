// Flow options that end up in kubespray's -e: checked before anything runs, as kubespray would only fail on them mid-run.
import { KsprayError } from '../errors.js';
import { parseWaitTimeout } from '../flows/wait-ready.js';

/** kubespray's `serial`: a whole number of nodes ≥ 1, or a percentage 1%–100%. */
export function checkSerial(v: string | undefined): void {
  if (v === undefined) return;
  const m = /^(\d+)(%?)$/.exec(v.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m || n < 1 || (m[2] && n > 100))
    throw new KsprayError('BadArgument', `--serial ${JSON.stringify(v)} is not a node count or a percentage`, { hint: 'use a whole number ≥ 1 (e.g. --serial 1) or a percentage from 1% to 100% (e.g. --serial 20%)' });
}

// Go's time.ParseDuration, which kubectl drain --timeout uses
const goDuration = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

export function checkGoDuration(flag: string, v: string | undefined): void {
  if (v === undefined) return;
  if (!goDuration.test(v.trim()))
    throw new KsprayError('BadArgument', `${flag} ${JSON.stringify(v)} is not a duration`, { hint: 'write a number with a unit, e.g. 360s, 5m or 1h30m' });
}

/** kubectl drain --grace-period: whole seconds, -1 for each pod's own grace period. */
export function checkGracePeriod(v: string | undefined): void {
  if (v === undefined) return;
  if (!/^(-1|\d+)$/.test(v.trim()))
    throw new KsprayError('BadArgument', `--drain-grace-period ${JSON.stringify(v)} is not a number of seconds`, { hint: 'use whole seconds, e.g. 30 (or -1 for each pod\'s own grace period)' });
}

export interface FlowArgs {
  serial?: string;
  drainTimeout?: string;
  drainGracePeriod?: string;
  waitTimeout?: string;
}

export function checkFlowArgs(o: FlowArgs): void {
  checkSerial(o.serial);
  checkGoDuration('--drain-timeout', o.drainTimeout);
  checkGracePeriod(o.drainGracePeriod);
  parseWaitTimeout(o.waitTimeout);
}
