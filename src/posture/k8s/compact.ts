// One input's findings in a form that is cheap to copy between threads, and their order. The
// strings (kinds, names, paths, messages) repeat a lot within an input, so each is kept once
// in a table and findings are rows of numbers in one transferable Int32Array. The report's
// order (sortFindings: file, line, severity, control id) is reached in two steps: each input
// sorts its own rows where it is judged, and the report then only orders inputs by file.
import type { Control } from '../catalog/control.js';
import { SEVERITY_RANK, type PostureFinding } from '../finding.js';

/**
 * Rows of FINDING_FIELDS numbers: control index (into the judged controls), then kind, name,
 * namespace, container, path (indices into `strings`), line, message (index). -1 stands for
 * undefined. The constant parts (title, severity, fix) are joined back in on the main thread.
 */
export interface CompactFindings {
  strings: string[];
  codes: Int32Array;
}

export const FINDING_FIELDS = 8;
const LINE = 6;
const NONE = -1;

/** The parts of one finding that vary, as a check produced them. */
export interface FoundAt {
  control: number;
  kind: string;
  name: string;
  namespace: string | undefined;
  container: string | undefined;
  path: string;
  line: number | undefined;
  message: string;
}

// Plain code-unit comparison, as sortFindings does.
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Gathers one input's findings; `finish` returns them sorted. */
export class CompactWriter {
  private readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly codes: number[] = [];

  add(f: FoundAt): void {
    this.codes.push(
      f.control,
      this.code(f.kind),
      this.code(f.name),
      this.code(f.namespace),
      this.code(f.container),
      this.code(f.path),
      f.line ?? NONE,
      this.code(f.message),
    );
  }

  /** The findings by line, then the most severe, then control id; ties keep their order. */
  finish(controls: readonly Control[]): CompactFindings {
    const codes = this.codes;
    const line = (i: number): number => Math.max(codes[i * FINDING_FIELDS + LINE] as number, 0);
    const control = (i: number): Control =>
      controls[codes[i * FINDING_FIELDS] as number] as Control;
    const order = Array.from({ length: codes.length / FINDING_FIELDS }, (_, i) => i).sort(
      (a, b) =>
        line(a) - line(b) ||
        SEVERITY_RANK[control(a).severity] - SEVERITY_RANK[control(b).severity] ||
        compare(control(a).id, control(b).id),
    );
    const sorted = new Int32Array(codes.length);
    order.forEach((from, to) => {
      for (let k = 0; k < FINDING_FIELDS; k += 1) {
        sorted[to * FINDING_FIELDS + k] = codes[from * FINDING_FIELDS + k] as number;
      }
    });
    return { strings: this.strings, codes: sorted };
  }

  private code(value: string | undefined): number {
    if (value === undefined) {
      return NONE;
    }

    let code = this.index.get(value);
    if (code === undefined) {
      code = this.strings.length;
      this.strings.push(value);
      this.index.set(value, code);
    }

    return code;
  }
}

/** Appends one input's findings to `out` as report findings, in their order. */
export function expandFindings(
  list: CompactFindings,
  file: string,
  controls: readonly Control[],
  out: PostureFinding[],
): void {
  const { strings, codes } = list;
  const text = (code: number): string | undefined => (code === NONE ? undefined : strings[code]);
  for (let at = 0; at < codes.length; at += FINDING_FIELDS) {
    const control = controls[codes[at] as number] as Control;
    const line = codes[at + LINE] as number;
    out.push({
      controlId: control.id,
      severity: control.severity,
      title: control.title,
      subject: {
        kind: text(codes[at + 1] as number) as string,
        name: text(codes[at + 2] as number) as string,
        namespace: text(codes[at + 3] as number),
      },
      container: text(codes[at + 4] as number),
      path: text(codes[at + 5] as number) as string,
      file,
      line: line === NONE ? undefined : line,
      message: text(codes[at + 7] as number) as string,
      fix: control.remediation,
    });
  }
}

/** Findings of one file by line, then the most severe, then control id; stable. */
export function byLineSeverityControl(a: PostureFinding, b: PostureFinding): number {
  return (
    (a.line ?? 0) - (b.line ?? 0) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compare(a.controlId, b.controlId)
  );
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
