// Edits to kspray.yaml that keep the user's comments and layout (yaml Document API), written atomically.
import { isMap, isSeq, parseDocument, YAMLMap, type Document } from 'yaml';
import { KsprayError } from '../errors.js';
import type { HostInput } from './schema.js';

function hostsSeq(doc: Document) {
  const seq = doc.getIn(['spec', 'hosts'], true);
  if (!isSeq(seq)) throw new KsprayError('ConfigInvalid', 'spec.hosts is not a list');
  return seq;
}

function indexOfHost(doc: Document, name: string): number {
  return hostsSeq(doc).items.findIndex((it) => isMap(it) && it.get('name') === name);
}

const parse = (text: string) => parseDocument(text, { keepSourceTokens: false });
const out = (doc: Document) => doc.toString({ lineWidth: 0 });

function appendHost(doc: Document, host: unknown): string {
  const seq = hostsSeq(doc);
  const node = doc.createNode(host) as YAMLMap;
  // match the style of the existing entries (the examples use one-line flow mappings)
  const last = seq.items.at(-1);
  if (isMap(last) && last.flow) node.flow = true;
  seq.items.push(node);
  return out(doc);
}

export function addHost(text: string, host: HostInput): string {
  return appendHost(parse(text), host);
}

export function setHostField(text: string, name: string, key: string, value: unknown): string {
  const doc = parse(text);
  const i = indexOfHost(doc, name);
  if (i < 0) throw new KsprayError('BadArgument', `host ${name} is not in the config`);
  if (value === undefined) doc.deleteIn(['spec', 'hosts', i, key]);
  else doc.setIn(['spec', 'hosts', i, key], value);
  return out(doc);
}

/** Remove a host; `pin` fixes the etcd member names of the others so none of them is renamed by the shift. */
export function removeHost(text: string, name: string, pin: Record<string, string> = {}): string {
  const doc = parse(text);
  const i = indexOfHost(doc, name);
  if (i < 0) throw new KsprayError('BadArgument', `host ${name} is not in the config`);
  hostsSeq(doc).items.splice(i, 1);
  for (const [host, member] of Object.entries(pin)) {
    const j = indexOfHost(doc, host);
    if (j >= 0) doc.setIn(['spec', 'hosts', j, 'etcdMemberName'], member);
  }
  return out(doc);
}

export function setKubernetesVersion(text: string, version: string): string {
  const doc = parse(text);
  doc.setIn(['spec', 'kubernetes', 'version'], version);
  return out(doc);
}

/** Append host `name` as `from` declares it (its own keys, not the defaults validation fills in) to `text`. */
export function copyHost(from: string, text: string, name: string): string {
  const src = parse(from);
  const i = indexOfHost(src, name);
  if (i < 0) throw new KsprayError('BadArgument', `host ${name} is not in the config`);
  return appendHost(parse(text), (hostsSeq(src).items[i] as YAMLMap).toJSON());
}

/** Set several values under `spec` in one edit, e.g. [['kubespray', 'version'], 'v2.31.0']; undefined leaves a key alone. */
export function setSpecValues(text: string, values: [string[], unknown][]): string {
  const doc = parse(text);
  for (const [path, value] of values) if (value !== undefined) doc.setIn(['spec', ...path], doc.createNode(value));
  return out(doc);
}
