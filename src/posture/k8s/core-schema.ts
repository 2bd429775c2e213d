// The YAML 1.2 core schema as the `yaml` library resolves plain scalars, for js-yaml: js-yaml's
// own CORE_SCHEMA also reads `1_000` as a number and `0b101` as binary, which `yaml` keeps as
// strings, and both loaders must give the same values. YAML 1.2.2 §10.3.2 (tag resolution).
import { FAILSAFE_SCHEMA, Type } from 'js-yaml';

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = new RegExp(
  [
    '^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+', // exponent
    '[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)', // fixed
    '[-+]?\\.(?:inf|Inf|INF)',
    '\\.(?:nan|NaN|NAN))$',
  ].join('|'),
);

function toInt(text: string): number {
  if (text.startsWith('0o')) {
    return Number.parseInt(text.slice(2), 8);
  }

  if (text.startsWith('0x')) {
    return Number.parseInt(text.slice(2), 16);
  }

  return Number.parseInt(text, 10);
}

function toFloat(text: string): number {
  if (/^\.(?:nan|NaN|NAN)$/.test(text)) {
    return Number.NaN;
  }

  if (/\.(?:inf|Inf|INF)$/.test(text)) {
    return text.startsWith('-') ? -Infinity : Infinity;
  }

  return Number.parseFloat(text);
}

// Most plain scalars are keys and words (`name`, `image`, `IfNotPresent`): a look at the first
// character rules them out before any pattern runs. Each test only ever answers false early.
const mayBeNull = (c: number, length: number): boolean =>
  length === 0 || (length <= 4 && (c === 0x7e || c === 0x6e || c === 0x4e)); // ~ n N
const mayBeBool = (c: number, length: number): boolean =>
  (length === 4 || length === 5) && (c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const mayBeInt = (c: number): boolean => isDigit(c) || c === 0x2b || c === 0x2d; // + -
const mayBeFloat = (c: number): boolean => mayBeInt(c) || c === 0x2e; // .

const types = [
  new Type('tag:yaml.org,2002:null', {
    kind: 'scalar',
    resolve: (data: string | null) =>
      data === null || (mayBeNull(data.charCodeAt(0), data.length) && NULL.test(data)),
    construct: () => null,
  }),
  new Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (data: string | null) =>
      data !== null && mayBeBool(data.charCodeAt(0), data.length) && BOOL.test(data),
    construct: (data: string) => data[0] === 't' || data[0] === 'T',
  }),
  new Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (data: string | null) =>
      data !== null && mayBeInt(data.charCodeAt(0)) && INT.test(data),
    construct: toInt,
  }),
  new Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (data: string | null) =>
      data !== null && mayBeFloat(data.charCodeAt(0)) && FLOAT.test(data),
    construct: toFloat,
  }),
];

/** Plain scalars resolved like `yaml`'s core schema; no timestamps, merge keys or binary. */
export const YAML_CORE_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: types });
