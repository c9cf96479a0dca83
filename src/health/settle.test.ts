import { describe, expect, it } from 'vitest';
import { KsprayError } from '../errors.js';
import { allInOrder, firstFailure, ForbiddenError } from './settle.js';

const forbidden = (denied: string) => new ForbiddenError('nobody', denied, `${denied} is forbidden`);

describe('requests that fail in whatever order they answer', () => {
  it('report the first failure by position, whichever settled first', async () => {
    const boom = new KsprayError('KubeApi', 'list /api/v1/nodes failed: HTTP 500');
    // the second promise rejects first
    const slow = new Promise<never>((_, reject) => setImmediate(() => setImmediate(() => reject(boom))));
    await expect(allInOrder([slow, Promise.reject(new Error('other'))])).rejects.toBe(boom);
  });

  it('name every forbidden resource once, in position order, under the first one', () => {
    const results: PromiseSettledResult<unknown>[] = [
      { status: 'rejected', reason: forbidden('list nodes') },
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: forbidden('list services') },
      { status: 'rejected', reason: forbidden('get apps/daemonsets') },
      { status: 'rejected', reason: forbidden('get apps/daemonsets') },
    ];
    const e = firstFailure(results) as KsprayError;
    expect(e.message).toBe('forbidden: nobody may not list nodes (403)');
    expect(e.details).toEqual(['also forbidden: list services, get apps/daemonsets', 'list nodes is forbidden']);
    expect(e.hint).toMatch(/^grant it/);
  });

  it('a lone 403 is reported as it is; values come back in order when nothing fails', async () => {
    const only = forbidden('list pods');
    expect(firstFailure([{ status: 'fulfilled', value: 0 }, { status: 'rejected', reason: only }])).toBe(only);
    expect(firstFailure([{ status: 'fulfilled', value: 0 }])).toBeUndefined();
    await expect(allInOrder([new Promise<string>((r) => setImmediate(() => r('a'))), Promise.resolve(2)])).resolves.toEqual(['a', 2]);
  });
});
