// Finds the pod spec inside every workload kind that has one (Pod, PodTemplate, Deployment,
// ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job, CronJob) and unwraps `List`
// objects. Other kinds, CRDs included, are not judged and get an informational note.
import type { AuditNote } from '../finding.js';
import type { SourceDocument } from './documents.js';
import { asFields, asList, asString, dig, type Fields } from './fields.js';
import type { FieldPath } from './path.js';

/** Where the pod template sits inside each workload kind. */
const POD_SPEC_PATHS: Record<string, FieldPath> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** One workload's pod: its spec, the metadata holding annotations and labels, and paths to both. */
export interface Workload {
  kind: string;
  name: string;
  namespace?: string;
  /** Labels of the object and of its pod template, the template's winning on conflicts. */
  labels: Record<string, string>;
  spec: Fields;
  specPath: FieldPath;
  metadata: Fields;
  metadataPath: FieldPath;
  document: SourceDocument;
}

export interface ExtractedWorkloads {
  workloads: Workload[];
  notes: AuditNote[];
}

const MAX_LIST_DEPTH = 4;

export function extractWorkloads(documents: SourceDocument[]): ExtractedWorkloads {
  const out: ExtractedWorkloads = { workloads: [], notes: [] };
  for (const document of documents) {
    visit(document.value, [], document, out, 0);
  }

  return out;
}

function visit(
  value: unknown,
  base: FieldPath,
  doc: SourceDocument,
  out: ExtractedWorkloads,
  depth: number,
): void {
  const object = asFields(value);
  const line = doc.lineOf(base);
  if (object === undefined) {
    out.notes.push({
      level: 'warning',
      file: doc.file,
      line,
      message: 'document is not a Kubernetes object; skipped',
    });
    return;
  }

  const kind = asString(object.kind);
  if (kind === undefined) {
    out.notes.push({
      level: 'warning',
      file: doc.file,
      line,
      message: 'object has no kind; skipped',
    });
    return;
  }

  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(object.items))) {
    if (depth >= MAX_LIST_DEPTH) {
      out.notes.push({
        level: 'warning',
        file: doc.file,
        line,
        message: 'Lists nested too deep; skipped',
      });
      return;
    }

    asList(object.items).forEach((item, i) =>
      visit(item, [...base, 'items', i], doc, out, depth + 1),
    );
    return;
  }

  const name =
    asString(dig(object, 'metadata', 'name')) ??
    asString(dig(object, 'metadata', 'generateName')) ??
    '(unnamed)';
  const templatePath = POD_SPEC_PATHS[kind];
  if (templatePath === undefined) {
    out.notes.push({
      level: 'info',
      file: doc.file,
      line,
      message: `${kind}/${name} is not a workload kind; not judged`,
    });
    return;
  }

  const template =
    templatePath.length === 0 ? object : asFields(dig(object, ...(templatePath as string[])));
  const spec = asFields(template?.spec);
  if (template === undefined || spec === undefined) {
    out.notes.push({
      level: 'warning',
      file: doc.file,
      line,
      message: `${kind}/${name} has no pod spec; skipped`,
    });
    return;
  }

  const metadata = asFields(template.metadata) ?? {};
  out.workloads.push({
    kind,
    name,
    namespace: asString(dig(object, 'metadata', 'namespace')),
    labels: { ...stringMap(dig(object, 'metadata', 'labels')), ...stringMap(metadata.labels) },
    spec,
    specPath: [...base, ...templatePath, 'spec'],
    metadata,
    metadataPath: [...base, ...templatePath, 'metadata'],
    document: doc,
  });
}

function stringMap(value: unknown): Record<string, string> {
  const fields = asFields(value) ?? {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(fields)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[key] = String(v);
    }
  }

  return out;
}
