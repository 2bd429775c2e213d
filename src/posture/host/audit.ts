// Judges observed containers against the container controls. Pure: discovery and /proc reading
// happen in collect.ts and arrive here as data.
import type { Control } from '../catalog/control.js';
import { evaluateContainer } from '../container/evaluate.js';
import { sortFindings, type AuditNote, type AuditReport, type PostureFinding } from '../finding.js';
import { controlsFor, type Standard } from '../standards.js';
import {
  hostFacts,
  type ContainerIdentity,
  type HostFactOptions,
  type Reference,
} from './facts.js';
import type { ProcessSnapshot } from './process.js';

export interface HostObservation {
  container: ContainerIdentity;
  /** Undefined when the process exited while it was read. */
  process?: ProcessSnapshot;
}

export interface HostAuditOptions extends HostFactOptions {
  standard: Standard;
  catalog: Map<string, Control>;
}

/** Where a container was found and what the runtime says about it, for the report's notes. */
function describe(c: ContainerIdentity): string {
  const parts = [c.source];
  if (c.kubernetes !== undefined) {
    const k = c.kubernetes;
    parts.push(`, pod ${k.namespace}/${k.pod} container ${k.container}`);
  } else if (c.namespace !== undefined) {
    parts.push(`, namespace ${c.namespace}`);
  }

  if (c.runtimeType !== undefined) {
    parts.push(`, runtime type ${c.runtimeType}`);
  }

  if (c.image !== undefined) {
    parts.push(`, image ${c.image}`);
  }

  if (c.imageDigest !== undefined) {
    parts.push(` (${c.imageDigest})`);
  }

  return parts.join('');
}

export function auditHost(
  observations: HostObservation[],
  reference: Reference,
  options: HostAuditOptions,
  notes: AuditNote[] = [],
): AuditReport {
  const controls = controlsFor(options.standard, options.catalog, 'container');
  const byId = new Map(controls.map((c) => [c.id, c]));
  const findings: PostureFinding[] = [];
  let subjects = 0;
  if ((options.allowedRegistries ?? []).length === 0 && byId.has('MOAT-CTR-023')) {
    notes.push({ level: 'info', message: 'no allowed registries given; MOAT-CTR-023 not judged' });
  }

  for (const { container, process } of observations) {
    const { name, id, runtime, pid } = container;
    const label = `${name} (${id.slice(0, 12)}, ${runtime}, pid ${pid})`;
    if (process === undefined) {
      notes.push({
        level: 'warning',
        message: `container ${label} exited while it was read; not judged`,
      });
      continue;
    }

    subjects += 1;
    notes.push({ level: 'info', message: `container ${label} found via ${describe(container)}` });
    const facts = hostFacts(process, container, reference, options);
    for (const v of evaluateContainer(facts, [...byId.keys()])) {
      const control = byId.get(v.controlId);
      if (control === undefined) {
        continue;
      }

      findings.push({
        controlId: control.id,
        severity: control.severity,
        title: control.title,
        subject: {
          kind: 'container',
          name: container.name,
          ...(container.namespace === undefined ? {} : { namespace: container.namespace }),
        },
        path: v.fact.path,
        message: `container ${container.name} ${v.message}`,
        fix: control.remediation,
      });
    }
  }

  return {
    target: 'host',
    standard: options.standard,
    controls: controls.map((c) => c.id),
    subjects,
    findings: sortFindings(findings),
    notes,
  };
}
