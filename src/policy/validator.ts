// `bridle validate` support: claims policy files (a `policies:` list, a bare list of rules, or one
// rule with `action:` and no `harness:`) and reports every problem with its position.
import { isMap, isScalar, isSeq } from 'yaml';
import type { FileValidator } from '../cli/validators.js';
import type { YamlSource } from '../util/yaml-source.js';
import { compileDocument } from './loader.js';
import { Diags, Src } from './source.js';

function topKeys(source: YamlSource): Set<string> {
  const root = source.root;
  const keys = new Set<string>();
  if (root && isMap(root)) for (const p of root.items) if (isScalar(p.key)) keys.add(String(p.key.value));
  return keys;
}

export const policyValidator: FileValidator = {
  kind: 'policy file',
  recognizes: 'a top-level `policies:` list, a bare list of rules, or one rule with `action:` (and no `harness:`)',
  claims(source) {
    const root = source.root;
    if (root && isSeq(root)) return true;
    const keys = topKeys(source);
    if (keys.has('harness')) return false;
    return keys.has('policies') || keys.has('action');
  },
  validate(source) {
    const diags = new Diags();
    const origin = { file: source.file, lineCounter: source.lineCounter, doc: source.doc };
    compileDocument(Src.fromNode(source.root, origin), 'agent', diags);
    return diags.list;
  },
};
