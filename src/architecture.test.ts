// The layer order of src/, and the check that imports follow it: folder-level arrows only point down (or stay in
// their layer), and no folder-level cycle exists. Pure: reads the source files, spawns nothing.
// docs/architecture.md draws these layers; this list is the one place they are declared.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Top to bottom. A module may import from its own layer or any layer below it; a folder (or a top-level file such as
 * exec.ts) belongs to exactly one layer. Cycles are refused even inside a layer.
 */
const LAYERS: { layer: string; units: string[] }[] = [
  { layer: 'entry', units: ['main', 'cli'] },
  { layer: 'commands', units: ['commands'] },
  { layer: 'flows', units: ['flows'] },
  { layer: 'workspace', units: ['workspace', 'config-file', 'config-text', 'config-rules'] },
  { layer: 'services', units: ['playbooks', 'ssh', 'etcd', 'health', 'kube', 'kubespray', 'inventory', 'preflight', 'doctor', 'docs', 'certs', 'runs', 'become', 'exec'] },
  { layer: 'model', units: ['config'] },
  { layer: 'base', units: ['io', 'errors', 'context', 'paths', 'fsutil'] },
];

const SRC = resolve(dirname(fileURLToPath(import.meta.url)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** The folder a file belongs to (src/etcd/store.ts → etcd), or the file's own name for top-level files. */
const unitOf = (file: string) => {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.[jt]s$/, '');
};

/** Relative specifiers of static imports/exports (type-only ones too) and dynamic imports. */
function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out.filter((s) => s.startsWith('.'));
}

interface Arrow {
  from: string;
  to: string;
  where: string[];
}

function folderArrows(): Map<string, Arrow> {
  const arrows = new Map<string, Arrow>();
  for (const f of sourceFiles(SRC)) {
    const a = unitOf(f);
    for (const spec of importSpecifiers(readFileSync(f, 'utf8'))) {
      const b = unitOf(resolve(dirname(f), spec));
      if (a === b) continue;
      const key = `${a} -> ${b}`;
      const arrow = arrows.get(key) ?? { from: a, to: b, where: [] };
      arrow.where.push(`${relative(SRC, f)} imports ${spec}`);
      arrows.set(key, arrow);
    }
  }
  return arrows;
}

/** Every cycle's members, one list per strongly connected component larger than one (Tarjan). */
function cycles(edges: [string, string][]): string[][] {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) next.set(a, [...(next.get(a) ?? []), b]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let i = 0;
  const visit = (v: string) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of new Set(edges.flat())) if (!index.has(v)) visit(v);
  return out;
}

const layerOf = new Map(LAYERS.flatMap((l, n) => l.units.map((u) => [u, n] as const)));

describe('architecture: src/ folders follow the declared layers', () => {
  const arrows = [...folderArrows().values()];

  it('finds the imports it is meant to judge', () => {
    expect(importSpecifiers("import { a } from './a.js';\nimport type {\n  B,\n} from '../b/c.js';\nexport * from './d.js';\nconst e = await import('../e.js');\nimport 'node:fs';")).toEqual([
      './a.js',
      '../b/c.js',
      './d.js',
      '../e.js',
    ]);
    expect(cycles([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']])).toEqual([['a', 'b', 'c']]);
    expect(arrows.some((a) => a.from === 'cli' && a.to === 'commands')).toBe(true);
  });

  it('places every folder and top-level module of src/ in exactly one layer', () => {
    const units = new Set(sourceFiles(SRC).map(unitOf));
    const placed = LAYERS.flatMap((l) => l.units);
    expect(placed.length, 'a unit is listed twice').toBe(new Set(placed).size);
    expect([...units].filter((u) => !layerOf.has(u)), 'add these to LAYERS').toEqual([]);
  });

  it('has no folder-level import cycle', () => {
    const found = cycles(arrows.map((a) => [a.from, a.to]));
    const explain = found.map((c) => `${c.join(' ⇄ ')}: ${arrows.filter((a) => c.includes(a.from) && c.includes(a.to)).flatMap((a) => a.where).join('; ')}`);
    expect(explain).toEqual([]);
  });

  it('has no import against the layer order', () => {
    const up = arrows.filter((a) => layerOf.has(a.from) && layerOf.has(a.to) && layerOf.get(a.to)! < layerOf.get(a.from)!);
    expect(up.map((a) => `${a.from} (${LAYERS[layerOf.get(a.from)!]!.layer}) -> ${a.to} (${LAYERS[layerOf.get(a.to)!]!.layer}): ${a.where.join('; ')}`)).toEqual([]);
  });

  it('keeps etcd/ a library: nothing from flows/, health/ or commands/', () => {
    expect(arrows.filter((a) => a.from === 'etcd' && ['flows', 'health', 'commands'].includes(a.to)).flatMap((a) => a.where)).toEqual([]);
  });

  it('docs/architecture.md draws every layer and names every folder', () => {
    const doc = readFileSync(join(SRC, '..', 'docs', 'architecture.md'), 'utf8');
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    for (const l of LAYERS) {
      expect(diagram, `layer ${l.layer}`).toContain(l.layer);
      for (const u of l.units) expect(diagram, `${u} in the diagram`).toMatch(new RegExp(`\\b${u}\\b`));
    }
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const f of folders) expect(doc, `a paragraph on src/${f}/`).toContain(`src/${f}/`);
  });

  it("README's Layout points to docs/architecture.md and names every folder of src/", () => {
    const readme = readFileSync(join(SRC, '..', 'README.md'), 'utf8');
    const layout = /## Layout\n([\s\S]*?)(?:\n## |$)/.exec(readme)?.[1] ?? '';
    expect(layout).toContain('docs/architecture.md');
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.filter((f) => !layout.includes(`src/${f}/`))).toEqual([]);
  });

  it('docs/architecture.md diagram parses with mermaid', async () => {
    // mermaid sanitises labels with DOMPurify, which needs a DOM: linkedom's, no browser
    const { parseHTML } = await import('linkedom');
    const { window } = parseHTML('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window, document: window.document });
    const mermaid = (await import('mermaid')).default;
    const doc = readFileSync(join(SRC, '..', 'docs', 'architecture.md'), 'utf8');
    const blocks = [...doc.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((x) => x[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) await expect(mermaid.parse(b), b).resolves.toBeTruthy();
  });
});
