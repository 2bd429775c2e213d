import { describe, expect, it } from 'vitest';
import { CONTAINER_RULES } from '../container/evaluate.js';
import { DOCKERFILE_CHECKS } from '../dockerfile/checks.js';
import { K8S_CHECKS } from '../k8s/checks/index.js';
import { CatalogError } from '../errors.js';
import { mergeCatalogs, parseCatalog } from './control.js';
import { loadCatalog } from './load.js';

const VALID = `
target: kubernetes
controls:
  - id: MOAT-K8S-999
    title: Example
    severity: high
    rationale: Why.
    remediation: Set x.
    references: {pciDss: ["2.2.1"], pss: {level: baseline, control: Example}}
`;

describe('parseCatalog', () => {
  it('reads a valid control with its references', () => {
    const [control] = parseCatalog(VALID, 'test.yaml');
    expect(control).toMatchObject({
      id: 'MOAT-K8S-999',
      target: 'kubernetes',
      severity: 'high',
      references: {
        pss: { level: 'baseline', control: 'Example' },
        pciDss: ['2.2.1'],
        cisDocker: [],
      },
    });
  });

  it.each([
    ['a bad severity', VALID.replace('severity: high', 'severity: severe'), /unknown severity/],
    ['a bad id', VALID.replace('MOAT-K8S-999', 'K8S-1'), /must look like/],
    ['a missing title', VALID.replace('title: Example', ''), /title must be/],
    ['no PCI DSS reference', VALID.replace('pciDss: ["2.2.1"], ', ''), /PCI DSS/],
    ['a bad PSS level', VALID.replace('level: baseline', 'level: privileged'), /pss.level/],
    ['an unknown target', VALID.replace('target: kubernetes', 'target: vm'), /target must be/],
    ['broken YAML', 'controls: [', /not valid YAML/],
    ['aliases', 'a: &x 1\nb: *x\n', /not valid YAML/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseCatalog(text, 'test.yaml')).toThrow(message);
  });

  it('rejects duplicate ids across files', () => {
    const one = parseCatalog(VALID, 'a.yaml');
    expect(() => mergeCatalogs([one, one])).toThrow(CatalogError);
  });
});

describe('the shipped catalog', () => {
  it('loads, and every Kubernetes control has exactly one check', async () => {
    const catalog = await loadCatalog();
    const k8s = [...catalog.values()].filter((c) => c.target === 'kubernetes').map((c) => c.id);
    expect(k8s.sort()).toEqual([...K8S_CHECKS.keys()].sort());
    const containers = [...catalog.values()].filter((c) => c.target === 'container');
    expect(containers.map((c) => c.id).sort()).toEqual([...CONTAINER_RULES.keys()].sort());
    const images = [...catalog.values()].filter((c) => c.target === 'dockerfile');
    expect(images.map((c) => c.id).sort()).toEqual([...DOCKERFILE_CHECKS.keys()].sort());
  });

  it('names a PSS control for every baseline and restricted check', async () => {
    const catalog = await loadCatalog();
    const pss = [...catalog.values()].filter((c) => c.references.pss !== undefined);
    expect(pss.map((c) => c.references.pss?.control)).toContain('Host Probes / Lifecycle Hooks');
    expect(pss.filter((c) => c.references.pss?.level === 'restricted')).toHaveLength(10);
  });
});
