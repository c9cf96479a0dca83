import type { Cluster } from '../model.js';
import type { ProblemList } from '../problems.js';

export interface RuleContext {
  cluster: Cluster;
  problems: ProblemList;
  /** the document as written, before defaults (to tell "set by the user" from "defaulted") */
  input: unknown;
}

export function has(input: unknown, path: string[]): boolean {
  let cur = input;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !(k in cur)) return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
}
export type Rule = (ctx: RuleContext) => void;

export const hostPath = (i: number, key?: string) => `spec.hosts[${i}]${key ? `.${key}` : ''}`;
