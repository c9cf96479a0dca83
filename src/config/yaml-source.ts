// Parse YAML keeping positions, so every problem can name its line.
import { LineCounter, parseDocument, isCollection, isMap, isSeq, isPair, isScalar, visit, type Document, type Node } from 'yaml';
import type { PathSegment, Problem } from './problems.js';

export interface YamlSource {
  doc: Document.Parsed;
  lines: LineCounter;
  text: string;
}

export function parseYaml(text: string): { source: YamlSource; problems: Problem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // later syntax errors are nearly always consequences of the first (one bad indent yields five), so report that one
  const first = doc.errors[0];
  const more = doc.errors.length - 1;
  // the library's own wording for a second document names its API ("use YAML.parseAllDocuments()")
  const multi = first?.code === 'MULTIPLE_DOCS';
  const problems: Problem[] = first
    ? [
        {
          severity: 'error',
          rule: 'yaml/syntax',
          path: '(document)',
          line: lines.linePos(first.pos[0]).line,
          message: multi
            ? 'a second YAML document starts here ("---"); a kspray config is one document'
            : `malformed YAML: ${first.message.split('\n')[0]}${more ? ` (and ${more} more error${more === 1 ? '' : 's'} after it)` : ''}`,
          fix: multi ? 'keep one cluster per file: remove the "---" line and what follows, or move it to its own file' : 'fix the YAML syntax at that line (indentation, quotes, a missing colon)',
        },
      ]
    : [];
  return { source: { doc, lines, text }, problems };
}

/** Line of the deepest node on `path` that exists; `key` asks for the key's own line. */
export function lineOf(src: YamlSource, path: readonly PathSegment[], key?: string): number | undefined {
  let node: unknown = src.doc.contents;
  let last: Node | undefined = (node as Node) ?? undefined;
  const segs = key === undefined ? path : [...path, key];
  for (const [i, seg] of segs.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const isLastKey = key !== undefined && i === segs.length - 1;
      if (isLastKey) {
        last = pair.key as Node;
        break;
      }
      node = pair.value;
      // the key's line reads best for mappings and scalars alike ("spec.network (line 17)")
      last = pair.key as Node;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) break;
      node = item;
      last = item as Node;
    } else break;
  }
  const off = last?.range?.[0];
  return off === undefined ? undefined : src.lines.linePos(off).line;
}

/** The document as plain data. Aliases fail only here (unresolved, or an alias bomb), so that becomes a problem too. */
export function toPlain(src: YamlSource): { value: unknown } | { problem: Problem } {
  const cycle = selfReference(src) ?? collectionKey(src);
  if (cycle) return { problem: cycle };
  try {
    return { value: src.doc.toJS({ maxAliasCount: 100 }) };
  } catch (e) {
    let offset: number | undefined;
    visit(src.doc, {
      Alias(_, node) {
        if (offset === undefined || node.resolve(src.doc) === undefined) offset = node.range?.[0];
        if (node.resolve(src.doc) === undefined) return visit.BREAK;
      },
    });
    return {
      problem: {
        severity: 'error',
        rule: 'yaml/alias',
        path: '(document)',
        line: offset === undefined ? 1 : src.lines.linePos(offset).line,
        message: `malformed YAML: ${(e as Error).message}`,
        fix: 'define the anchor (&name) before its alias (*name), or write the value out; kspray configs do not need aliases',
      },
    };
  }
}

/** `? [a, b]: x` has a list for a key: no kspray or kubespray key is one, and plain data cannot hold it. */
function collectionKey(src: YamlSource): Problem | undefined {
  let found: Problem | undefined;
  visit(src.doc, {
    Pair(_, pair) {
      if (!isCollection(pair.key)) return undefined;
      const off = (pair.key as Node).range?.[0];
      found = {
        severity: 'error',
        rule: 'yaml/collection-key',
        path: '(document)',
        line: off === undefined ? 1 : src.lines.linePos(off).line,
        message: 'a key here is a list or a mapping; keys must be plain names',
        fix: 'write the key as a plain name (a `? ` line starts a complex key)',
      };
      return visit.BREAK;
    },
  });
  return found;
}

/** An alias inside the node its anchor names (`a: &x [*x]`) makes a value that contains itself, which nothing can render. */
function selfReference(src: YamlSource): Problem | undefined {
  let found: Problem | undefined;
  visit(src.doc, {
    Alias(_, node, path) {
      const target = node.resolve(src.doc);
      if (!target || !path.includes(target as never)) return undefined;
      const off = node.range?.[0];
      found = {
        severity: 'error',
        rule: 'yaml/alias-cycle',
        path: '(document)',
        line: off === undefined ? 1 : src.lines.linePos(off).line,
        message: `the alias *${node.source} refers to the value that contains it, so the value would contain itself`,
        fix: `write the value out instead of *${node.source}; kspray configs do not need aliases`,
      };
      return visit.BREAK;
    },
  });
  return found;
}
