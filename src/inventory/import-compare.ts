// PURE: whether a host sees the same value of a variable in two inventories, with the release's role defaults standing
// in for a variable one of them leaves unset (kubespray then uses exactly that default).
import { isDeepStrictEqual } from 'node:util';

/** The release's role default of a variable as the host would see it; undefined when unknown or not evaluable. */
export type DefaultOf = (name: string, hostVars: Record<string, unknown>) => unknown;

const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function equalsDefault(value: unknown, dflt: unknown): boolean {
  if (dflt === undefined || value === undefined) return false;
  return isDeepStrictEqual(value, dflt) || (scalar(value) && scalar(dflt) && String(value) === String(dflt));
}

/** `original` undefined: the rendered value must be the default (or unset too); otherwise the two must be equal. */
export function sameValue(original: unknown, rendered: unknown, dflt: unknown): boolean {
  if (original === undefined) return rendered === undefined || equalsDefault(rendered, dflt);
  return isDeepStrictEqual(original, rendered);
}
