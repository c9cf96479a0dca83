// Property tests: whatever the document, validateText returns problems (never throws), every problem has a path and a
// line inside the file, a config with errors is never rendered, and a config without errors always renders.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { render } from '../../src/commands/render.js';
import { validateText, type Loaded } from '../../src/config-text.js';
import { createReporter } from '../../src/io/reporter.js';
import { renderInventory } from '../../src/inventory/render.js';
import { exampleText, tempDir } from './helpers.js';
import { propertyRuns } from './property-runs.js';

type Path = (string | number)[];
type Json = unknown;

const homelabText = exampleText('homelab');
const homelab = parse(homelabText) as Json;

/** Every path to a value in the document (the root excluded). */
function paths(v: Json, at: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...at, k], ...paths(x, [...at, k])]);
}
const allPaths = paths(homelab);

// values kubespray configs are made of, plus the awkward ones
const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -2, max: 70_000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('10.233.64.0/18', '10.0.0.1', '192.168.10.300', 'v1.29.5', '1.33.7', 'v2.29.1', 'calico', 'ipvs', 'km01', '', ' ', '0/0', '1.2.3.4-1.2.3.1'),
  // the families validate must judge: reserved addresses, loops, paths, names Kubernetes refuses, templates
  fc.constantFrom('127.0.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '169.254.25.10', '10.233.0.3', 'fd00::1', '0.0.0.0/0', '/', 'var/lib', 'a b', 'ü', '\t', '-o', '{{ x }}', 'x'.repeat(64), 10250, 2379, 0),
);
const value: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }) },
);

type Mutation = { op: 'set'; at: number; value: Json } | { op: 'delete'; at: number } | { op: 'insert'; at: number; key: string; value: Json };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('roles', 'ip', 'extraVars', 'calico', '__proto__', 'constructor', 'labels', 'taints', 'bastion', 'upstreamServers'),
      // extraVars that override modelled settings
      fc.constantFrom('kube_version', 'kube_network_plugin', 'kube_pods_subnet', 'kube_service_addresses', 'kube_network_node_prefix', 'upstream_dns_servers', 'nodelocaldns_ip', 'dns_domain', 'etcd_data_dir', 'kube_apiserver_port'),
    ),
    value,
  }),
);

function apply(doc: Json, m: Mutation): Json {
  const copy = structuredClone(doc) as Record<string | number, Json>;
  const path = allPaths[m.at % allPaths.length]!;
  let parent: any = copy;
  for (const seg of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return copy;
    parent = parent[seg];
  }
  if (parent === null || typeof parent !== 'object') return copy;
  const key = path[path.length - 1]!;
  if (m.op === 'set') parent[key] = m.value;
  else if (m.op === 'delete') Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
  else {
    const target = parent[key];
    if (target && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    else parent[key] = { [m.key]: m.value };
  }
  return copy;
}

function checkResult(text: string, r: Loaded): void {
  const lineCount = text.split('\n').length;
  for (const p of r.problems) {
    expect(typeof p.path).toBe('string');
    expect(p.path.length).toBeGreaterThan(0);
    expect(typeof p.message).toBe('string');
    expect(['error', 'warning']).toContain(p.severity);
    expect(p.line, `${p.path}: ${p.message}`).toBeDefined();
    expect(Number.isInteger(p.line)).toBe(true);
    expect(p.line!).toBeGreaterThanOrEqual(1);
    expect(p.line!).toBeLessThanOrEqual(lineCount);
  }
  expect(r.errors.length + r.warnings.length).toBe(r.problems.length);
  // a valid config always renders; the renderer is pure and must not throw
  if (r.errors.length === 0) {
    expect(r.cluster).toBeDefined();
    expect(renderInventory(r.cluster!, { source: 'kspray.yaml', digest: '0'.repeat(64) }).length).toBeGreaterThan(0);
  }
}

const runs = { numRuns: propertyRuns(300) };
const renderRuns = propertyRuns(200);

describe('validateText on mutated homelab documents', () => {
  it('never throws and always points at a line of the file', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        const doc = ms.reduce(apply, homelab);
        const text = stringify(doc);
        checkResult(text, validateText(text));
      }),
      runs,
    );
  });

  it('survives line-level edits of the commented example (deleted, duplicated, re-indented, truncated lines)', () => {
    const lines = homelabText.split('\n');
    const edit = fc.record({ at: fc.nat(lines.length - 1), op: fc.constantFrom('delete', 'duplicate', 'indent', 'dedent', 'truncate', 'tab') });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const out = [...lines];
        for (const e of edits) {
          const at = e.at % out.length;
          const l = out[at]!;
          if (e.op === 'delete') out.splice(at, 1);
          else if (e.op === 'duplicate') out.splice(at, 0, l);
          else if (e.op === 'indent') out[at] = ` ${l}`;
          else if (e.op === 'dedent') out[at] = l.replace(/^ /, '');
          else if (e.op === 'truncate') out[at] = l.slice(0, Math.floor(l.length / 2));
          else out[at] = `\t${l}`;
        }
        const text = out.join('\n');
        checkResult(text, validateText(text));
      }),
      runs,
    );
  });
});

describe('validateText on YAML-level junk spliced into the example', () => {
  const junk = fc.constantFrom(
    'a: &x [*x]',
    '  loop: &y { b: *y }',
    'b: *undefined',
    '---',
    '...',
    '? [a, b]',
    '<<: *x',
    'x: !!js/function "f() {}"',
    'y: !custom 1',
    '%TAG ! tag:x,2000:',
    '[[[[[[[[',
    'z: "unterminated',
    '  - orphan item',
    'spec: {}',
    '\uFEFFkey: v',
    'k: |\n  block\n bad',
    'extraVars: &e { a: [*e] }',
  );
  it('never throws, and every problem points at a line of the file', () => {
    const lines = homelabText.split('\n');
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(lines.length), text: junk, indent: fc.nat(6) }), { minLength: 1, maxLength: 3 }), (edits) => {
        const out = [...lines];
        for (const e of edits) out.splice(e.at % (out.length + 1), 0, `${' '.repeat(e.indent)}${e.text}`);
        const text = out.join('\n');
        checkResult(text, validateText(text));
      }),
      runs,
    );
  });
});

describe('validateText on random text', () => {
  const yamlish = fc.string({ unit: fc.constantFrom(...'ab: -[]{}\n\t#&*!|>\'"%@`,?0.1/'.split('')), maxLength: 120 });
  it('never throws on random YAML-ish text or arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })), (text) => {
        checkResult(text, validateText(text));
      }),
      runs,
    );
  });

  it('survives YAML features: anchors, aliases, tags, multiple documents', () => {
    const docs = ['a: &x [1]\nb: *x\n', '*nope\n', '!!binary aGVsbG8=\n', 'a: 1\n---\nb: 2\n', '? [a, b]\n: c\n', '%YAML 1.1\n---\nx: yes\n', '<<: {a: 1}\n', 'a: !!set {x, y}\n'];
    for (const text of docs) checkResult(text, validateText(text));
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    checkResult(bomb, validateText(bomb));
  });
});

describe('a config with errors is never rendered', () => {
  const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
  it('render refuses every mutated config that has errors and creates no directory', async () => {
    const cwd = tempDir();
    const reporter = createReporter({ mode: 'plain', stdout: sink(), stderr: sink(), env: {} });
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const text = stringify(ms.reduce(apply, homelab));
        if (validateText(text).errors.length === 0) return;
        refused++;
        writeFileSync(join(cwd, 'kspray.yaml'), text);
        await expect(render({ reporter, configPath: join(cwd, 'kspray.yaml'), debug: false, cwd, env: {} }, { out: 'inventory' })).rejects.toMatchObject({ code: 'ConfigInvalid' });
        expect(existsSync(join(cwd, 'inventory'))).toBe(false);
        expect(existsSync(join(cwd, '.kspray'))).toBe(false);
      }),
      { numRuns: renderRuns },
    );
    // at least one in ten samples has errors, so the refusal is exercised
    expect(refused).toBeGreaterThan(renderRuns / 10);
  });
});
