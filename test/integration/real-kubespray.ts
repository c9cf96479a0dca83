// The cached real kubespray checkout and venv of a ref for the integration tests, or why they skip (test/real/kubespray.ts).
import { realKubespray as cached, realSkipReason } from '../real/kubespray.js';

/** Skips only where the bundle is absent (a user's clone); with the bundle, a missing checkout fails with the setup command. */
export function realKubespray(ref: string): { dir: string; venv: string } | { skip: string } {
  const skip = realSkipReason();
  if (skip) return { skip };
  const k = cached(ref);
  return { dir: k.dir, venv: k.venv };
}
