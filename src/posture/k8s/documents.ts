// Splits a manifest stream (YAML or JSON, one or many documents) into plain values that keep a
// way back to their source lines. Parsing is bounded: input size, document count and alias
// expansion (YAML "billion laughs") are limited, and a broken document is reported with its
// file and line while the others are still judged. Plain input takes the js-yaml fast path
// (located-load.ts); the `yaml` library reads the rest and reports every error.
import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  type Document,
  type Node,
} from 'yaml';
import type { AuditNote } from '../finding.js';
import { lineIndex, loadLocated } from './located-load.js';
import type { FieldPath } from './path.js';

export interface ParseLimits {
  maxBytes: number;
  maxDocuments: number;
  /** Alias nodes a document may expand; the `yaml` library's own resource-exhaustion guard. */
  maxAliasCount: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxDocuments: 10_000,
  maxAliasCount: 100,
};

export interface SourceDocument {
  file: string;
  index: number;
  value: unknown;
  /** The 1-based line of the deepest part of `path` present in the document. */
  lineOf(path: FieldPath): number | undefined;
}

export interface ParsedSource {
  documents: SourceDocument[];
  notes: AuditNote[];
}

/** Parses one input's text; never throws for bad input, it reports error notes instead. */
export function parseDocuments(text: string, file: string, limits = DEFAULT_LIMITS): ParsedSource {
  const notes: AuditNote[] = [];
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    notes.push({
      level: 'error',
      file,
      message: `input is larger than ${limits.maxBytes} bytes; split it`,
    });
    return { documents: [], notes };
  }

  const located = loadLocated(text, limits.maxDocuments);
  if (located !== undefined) {
    const lineAt = lineIndex(text);
    const documents = located
      .filter((doc) => doc.value !== null && doc.value !== undefined)
      .map(({ index, value, offsetOf }) => ({
        file,
        index,
        value,
        lineOf: (path: FieldPath) => lineAt(offsetOf(path)),
      }));
    return { documents, notes };
  }

  return parseWithYaml(text, file, limits);
}

/** The `yaml` library path: every input the fast path declines, and the reference for tests. */
export function parseWithYaml(text: string, file: string, limits = DEFAULT_LIMITS): ParsedSource {
  const notes: AuditNote[] = [];
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true });
  const documents: SourceDocument[] = [];
  let index = 0;
  for (const doc of composer.compose(parser.parse(text))) {
    if (index >= limits.maxDocuments) {
      notes.push({
        level: 'error',
        file,
        message: `more than ${limits.maxDocuments} documents; the rest were not read`,
      });
      break;
    }

    const parsed = toSourceDocument(doc, file, index, lines, limits, notes);
    if (parsed !== undefined) {
      documents.push(parsed);
    }

    index += 1;
  }

  return { documents, notes };
}

function toSourceDocument(
  doc: Document.Parsed,
  file: string,
  index: number,
  lines: LineCounter,
  limits: ParseLimits,
  notes: AuditNote[],
): SourceDocument | undefined {
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const line = lines.linePos(firstError.pos[0]).line;
    notes.push({
      level: 'error',
      file,
      line,
      message: `invalid YAML: ${firstError.message.split('\n')[0]}`,
    });
    return undefined;
  }

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return undefined;
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    const line = lines.linePos(doc.contents.range[0]).line;
    const why = err instanceof Error ? err.message : String(err);
    notes.push({ level: 'error', file, line, message: `document ${index} rejected: ${why}` });
    return undefined;
  }

  return { file, index, value, lineOf: (path) => locate(doc, lines, path) };
}

function locate(doc: Document.Parsed, lines: LineCounter, path: FieldPath): number | undefined {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0];
  for (const segment of path) {
    if (isAlias(node)) {
      node = node.resolve(doc);
    }

    if (isMap(node) && typeof segment === 'string') {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (pair === undefined) {
        break;
      }

      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) {
        break;
      }

      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }

  return offset === undefined ? undefined : lines.linePos(offset).line;
}
