// One input's findings as a flat list of primitives, cheap to copy between threads, and their
// order: the report's (sortFindings: file, line, severity, control id) is reached in two steps.
// Each input sorts its own findings where it is judged, on a worker when there are some; the
// report then only orders inputs by file, and re-sorts the findings of a file read twice.
import type { Control } from '../catalog/control.js';
import { SEVERITY_RANK, type PostureFinding } from '../finding.js';

/**
 * FINDING_FIELDS values per finding: control index (into the judged controls), kind, name,
 * namespace, container, path, line, message. The constant parts (title, severity, fix) are
 * joined back in once, on the main thread.
 */
export type CompactFindings = (string | number | undefined)[];
export const FINDING_FIELDS = 8;
const LINE = 6;

// Plain code-unit comparison, as sortFindings does.
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Findings of one file by line, then the most severe, then control id; stable. */
export function byLineSeverityControl(a: PostureFinding, b: PostureFinding): number {
  return (
    (a.line ?? 0) - (b.line ?? 0) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compare(a.controlId, b.controlId)
  );
}

/** One input's findings in byLineSeverityControl order; ties keep the order they were found. */
export function sortCompact(list: CompactFindings, controls: readonly Control[]): CompactFindings {
  const count = list.length / FINDING_FIELDS;
  const line = (i: number): number => (list[i * FINDING_FIELDS + LINE] as number | undefined) ?? 0;
  const control = (i: number): Control => controls[list[i * FINDING_FIELDS] as number] as Control;
  const order = Array.from({ length: count }, (_, i) => i).sort(
    (a, b) =>
      line(a) - line(b) ||
      SEVERITY_RANK[control(a).severity] - SEVERITY_RANK[control(b).severity] ||
      compare(control(a).id, control(b).id),
  );
  const sorted: CompactFindings = new Array<string | number | undefined>(list.length);
  order.forEach((from, to) => {
    for (let k = 0; k < FINDING_FIELDS; k += 1) {
      sorted[to * FINDING_FIELDS + k] = list[from * FINDING_FIELDS + k];
    }
  });
  return sorted;
}

/** Input indices grouped by file, groups in file order, inputs in input order within one. */
export function groupByFile(files: readonly string[]): number[][] {
  const order = files.map((_, i) => i).sort((a, b) => compare(files[a] ?? '', files[b] ?? ''));
  const groups: number[][] = [];
  for (const i of order) {
    const last = groups[groups.length - 1];
    if (last !== undefined && files[last[0] as number] === files[i]) {
      last.push(i);
    } else {
      groups.push([i]);
    }
  }

  return groups;
}
