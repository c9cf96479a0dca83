// Concurrent requests whose failure is decided by the order they were asked in, not by which answered first: the
// same cluster gives the same error every run. Several 403s become one error naming every forbidden resource.
import { KsprayError } from '../errors.js';

/** A 403 from the API: who was refused what (kube-client makes these). */
export class ForbiddenError extends KsprayError {
  constructor(
    user: string,
    readonly denied: string,
    reason: string,
  ) {
    super('KubeApi', `forbidden: ${user} may not ${denied} (403)`, {
      details: reason ? [reason] : [],
      hint: 'grant it, e.g. `kubectl create clusterrolebinding kspray-health --clusterrole=view --user=<user>` (health needs get/list on nodes, pods, services, daemonsets, deployments), or use the admin kubeconfig from `kspray kubeconfig`',
    });
  }
}

/** The first failure by position; 403s among the failures are merged, in position order, into the first of them. */
export function firstFailure(results: readonly PromiseSettledResult<unknown>[]): unknown {
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length === 0) return undefined;
  const first = errors[0];
  if (!(first instanceof ForbiddenError)) return first;
  const also = [...new Set(errors.filter((e): e is ForbiddenError => e instanceof ForbiddenError).map((e) => e.denied))].filter((d) => d !== first.denied);
  if (also.length === 0) return first;
  return new KsprayError('KubeApi', first.message, { details: [`also forbidden: ${also.join(', ')}`, ...first.details], ...(first.hint ? { hint: first.hint } : {}) });
}

/** Promise.all that waits for every promise and then throws firstFailure, so the error never depends on timing. */
export async function allInOrder<T extends readonly unknown[]>(ps: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const results = await Promise.allSettled(ps);
  if (results.some((r) => r.status === 'rejected')) throw firstFailure(results);
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
