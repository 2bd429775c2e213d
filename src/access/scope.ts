// Docker token scopes (`repository:NAME:pull,push`, `registry:catalog:*`) and the Bearer
// challenge that announces them. Grammar from the distribution token-scope documentation:
// `type[(class)]:name:actions`, where the name itself may contain `:` (host:port).
import type { RegistryAction } from './policy.js';

export interface Scope {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

export const MAX_SCOPES = 32;
const MAX_SCOPE_LENGTH = 512;
const TYPE = /^(repository|registry)(?:\([a-z0-9]+\))?$/;
const ACTION = /^(?:[a-z]+|\*)$/;

export type ScopeParse = { ok: true; scope: Scope } | { ok: false; reason: string };

/** Parses one scope string; a malformed scope is reported, never thrown. */
export function parseScope(text: string): ScopeParse {
  if (text.length > MAX_SCOPE_LENGTH) {
    return { ok: false, reason: `scope longer than ${MAX_SCOPE_LENGTH} characters` };
  }

  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last === first) {
    return { ok: false, reason: `scope "${text}" is not type:name:actions` };
  }

  const type = TYPE.exec(text.slice(0, first))?.[1] as Scope['type'] | undefined;
  const name = text.slice(first + 1, last);
  const actions = text.slice(last + 1).split(',').filter((a) => a !== '');
  if (type === undefined) {
    return { ok: false, reason: `scope type "${text.slice(0, first)}" is not supported` };
  }

  if (name === '' || actions.length === 0 || !actions.every((a) => ACTION.test(a))) {
    return { ok: false, reason: `scope "${text}" needs a name and actions` };
  }

  return { ok: true, scope: { type, name, actions: [...new Set(actions)] } };
}

/**
 * Splits the token endpoint's `scope` parameter(s): repeated, and each may hold several
 * space-separated scopes (as some clients send them).
 */
export function splitScopeParams(scope: string | string[] | undefined): string[] {
  const params = scope === undefined ? [] : Array.isArray(scope) ? scope : [scope];
  return params.flatMap((p) => p.split(' ')).filter((s) => s !== '');
}

export function formatScope(scope: Scope): string {
  return `${scope.type}:${scope.name}:${scope.actions.join(',')}`;
}

/** RFC 7235 quoted-string: escape backslash and double quote. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export interface ChallengeInput {
  realm: string;
  service: string;
  repository?: string;
  actions?: readonly RegistryAction[];
  /** A scope to announce instead of a repository's, e.g. `registry:api:*`. */
  scope?: string;
  error?: 'invalid_token' | 'insufficient_scope';
}

/** The WWW-Authenticate value for a 401 (Docker token authentication specification). */
export function formatChallenge(input: ChallengeInput): string {
  const params = [`realm=${quote(input.realm)}`, `service=${quote(input.service)}`];
  if (input.repository !== undefined && (input.actions?.length ?? 0) > 0) {
    const scope = { type: 'repository' as const, name: input.repository,
      actions: [...(input.actions ?? [])] };
    params.push(`scope=${quote(formatScope(scope))}`);
  } else if (input.scope !== undefined) {
    params.push(`scope=${quote(input.scope)}`);
  }

  if (input.error !== undefined) {
    params.push(`error=${quote(input.error)}`);
  }

  return `Bearer ${params.join(',')}`;
}
