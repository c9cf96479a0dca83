// Ctrl-C: the first asks the running step to stop cleanly, the second kills it. Installed only while a flow runs.
export interface Interrupts {
  signal: AbortSignal;
  /** set on the second Ctrl-C */
  readonly forced: boolean;
  onForce(fn: () => void): void;
  dispose(): void;
}

export function trapInterrupts(onFirst?: () => void): Interrupts {
  const ac = new AbortController();
  let count = 0;
  const forceFns: (() => void)[] = [];
  const handler = () => {
    count++;
    if (count === 1) {
      onFirst?.();
      ac.abort(new Error('interrupted'));
    } else for (const f of forceFns) f();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    get forced() {
      return count > 1;
    },
    onForce: (fn) => forceFns.push(fn),
    dispose() {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    },
  };
}
