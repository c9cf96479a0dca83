// Secrets never reach a log or the screen: known secret-bearing keys are masked wherever text is written.
const patterns: RegExp[] = [
  /((?:ansible_become_pass(?:word)?|ansible_ssh_pass|become_password|password|passwd|token|secret)["']?\s*[:=]\s*["']?)([^\s"',}]+)/gi,
];
const exact = new Set<string>();

/** Register a value that must never be printed (e.g. a become password read at run time). */
export function addSecret(value: string | undefined): void {
  if (value && value.length >= 4) exact.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const v of exact) out = out.split(v).join('***');
  for (const p of patterns) out = out.replace(p, '$1***');
  return out;
}
