// Flow options that reach kubespray's -e are refused before anything runs (the CLI side: test/cli/flow-args.test.ts).
import { describe, expect, it } from 'vitest';
import { checkFlowArgs, checkGoDuration, checkGracePeriod, checkSerial } from '../../src/commands/flow-args.js';

const refuses = (f: () => void, msg: RegExp) => expect(f).toThrow(expect.objectContaining({ code: 'BadArgument', message: expect.stringMatching(msg) }));

describe('flow argument checks', () => {
  it.each(['1', '3', '1%', '20%', '100%', ' 2 '])('accepts --serial %j', (v) => expect(() => checkSerial(v)).not.toThrow());
  it.each(['0', '0%', '101%', 'abc', '-1', '1.5', '20 %', '%', '', '2,3', '1e3'])('refuses --serial %j', (v) => refuses(() => checkSerial(v), /--serial .* is not a node count or a percentage/));

  it.each(['360s', '5m', '1h30m', '1.5h', '300ms', '0s', '2h45m10s'])('accepts --drain-timeout %j', (v) => expect(() => checkGoDuration('--drain-timeout', v)).not.toThrow());
  it.each(['bogus', '360', '5 m', '-5m', 's', '5d', '', '5m-'])('refuses --drain-timeout %j', (v) => refuses(() => checkGoDuration('--drain-timeout', v), /--drain-timeout .* is not a duration/));

  it.each(['0', '30', '-1'])('accepts --drain-grace-period %j', (v) => expect(() => checkGracePeriod(v)).not.toThrow());
  it.each(['abc', '-2', '1.5', '30s', ''])('refuses --drain-grace-period %j', (v) => refuses(() => checkGracePeriod(v), /--drain-grace-period .* is not a number of seconds/));

  it('checks --wait-timeout with the rest, and accepts no options at all', () => {
    refuses(() => checkFlowArgs({ waitTimeout: 'forever' }), /--wait-timeout forever is not a duration/);
    expect(() => checkFlowArgs({})).not.toThrow();
  });
});
