// PURE: columns padded to their widest cell, two spaces apart; the last column is not padded (it may carry colour).
export function formatTable(head: string[], rows: string[][]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(width[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
