// The fast path must read every input exactly like the `yaml` path: same values, same line for
// every field path (present or missing), or decline so that the `yaml` path reads it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../testing/paths.js';
import { parseDocuments, parseWithYaml } from './documents.js';
import { loadLocated } from './located-load.js';
import type { FieldPath } from './path.js';

/** Every path to every node, and for each one a child that does not exist. */
function paths(value: unknown, base: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [base, [...base, 'missing', 0], [...base, 99]];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(...paths(item, [...base, i])));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push(...paths(item, [...base, key]));
    }
  }

  return out;
}

function expectSameReading(text: string): void {
  const fast = parseDocuments(text, 'm.yaml');
  const reference = parseWithYaml(text, 'm.yaml');
  expect(fast.notes).toEqual(reference.notes);
  expect(fast.documents.map((d) => d.value)).toEqual(reference.documents.map((d) => d.value));
  fast.documents.forEach((doc, i) => {
    const ref = reference.documents[i];
    for (const path of paths(doc.value)) {
      expect([path, doc.lineOf(path)]).toEqual([path, ref?.lineOf(path)]);
    }
  });
}

const BLOCK = `# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    "quoted/key": 'single'
    plain: value   # trailing comment
spec:
  template:
    spec:
      containers:
        - name: a
          image: nginx
          args:
            - |
              line one
              line two
            - >-
              folded
              text
            - "multi
              line"
          securityContext:

            privileged: true
        -
          name: b
          ports: [{containerPort: 80, hostPort: 80}, {containerPort: 81}]
          resources: {limits: {cpu: "1", memory: 1Gi}}
        - name: c
          env:
          - name: X
            value: "1"
`;

const SCALARS = `ints: [1, -2, +3, 007, 0o17, 0x1F, 1_000, 0b101, 12345678901234567890]
floats: [1.5, -.5, 1e3, 2.5E-2, .inf, -.Inf, .nan, 1.]
bools: [true, True, TRUE, false, yes, no, on, off, y, n]
nulls: [~, null, Null, NULL, '', "~"]
dates: [2001-12-14, 2001-12-14t21:59:43.10-05:00]
keys: {1: one, true: yes, 1.5: x, 0x1F: hex}
merge:
  <<: {a: 1}
  b: 2
`;

const MULTI = 'a: 1\n---\n---\n# c\n---\nkind: Pod\nspec: {x: [1,\n  2]}\n...\n---\nb: 2\n';

describe('loadLocated', () => {
  it.each([
    ['block style, comments, block scalars, blank lines', BLOCK],
    ['core schema scalars and odd keys', SCALARS],
    ['several documents with empty ones', MULTI],
    ['flow style over several lines', JSON.stringify({ kind: 'Pod', spec: { c: [{}] } }, null, 2)],
    ['a scalar document', 'just text\n---\n- 1\n- 2\n'],
    ['CRLF line ends', 'kind: Pod\r\nspec:\r\n  hostPID: true\r\n'],
    ['no final newline', 'kind: Pod\nspec:\n  hostIPC: true'],
    ['a ! and a % inside words', 'a: wow!\nb: 100%\nc: x !\nd: "!x"\n'],
  ])('reads %s like the yaml path', (_name, text) => {
    expect(loadLocated(text, 100)).toBeDefined();
    expectSameReading(text);
  });

  it.each([
    ['anchors and aliases', 'a: &x {p: 1}\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['a tag that opens the input', '!!map {a: 1}\n'],
    ['a tag in a flow sequence', 'a: [x,!!str 1]\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['a directive after a CR line end', 'a: 1\r%TAG ! tag:x,2000:\r---\rb: 2\r'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['invalid YAML', 'a: [unclosed\n'],
    ['a flow pair in a sequence', 'a: [b: 1]\n'],
    ['a null key', 'a: {null: x}\n'],
    ['a null list item', 'items:\n- \n- a\n-\n  b: 1\n'],
  ])('declines %s, which the yaml path reads', (_name, text) => {
    expect(loadLocated(text, 100)).toBeUndefined();
    expectSameReading(text);
  });

  it('takes the fast path for plain manifests', () => {
    expect(loadLocated(BLOCK, 100)).toHaveLength(1);
    expect(loadLocated(SCALARS, 100)).toHaveLength(1);
  });

  it('declines more documents than the limit', () => {
    expect(loadLocated('a: 1\n---\nb: 2\n---\nc: 3\n', 2)).toBeUndefined();
  });

  it('reads every conformance manifest like the yaml path', () => {
    const root = join(SHARED_DIR, 'conformance', 'k8s-misconfig');
    let files = 0;
    for (const name of readdirSync(root)) {
      const dir = join(root, name);
      if (!statSync(dir).isDirectory()) {
        continue;
      }

      for (const file of readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f))) {
        expectSameReading(readFileSync(join(dir, file), 'utf8'));
        files += 1;
      }
    }

    expect(files).toBeGreaterThan(50);
  });
});
