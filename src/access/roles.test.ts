import { describe, expect, it } from 'vitest';
import type { RegistryAction } from './policy.js';
import { ANONYMOUS, intersectActions, permittedActions, type Principal } from './roles.js';

const user = (grants: Principal['grants'], admin = false): Principal =>
  ({ kind: 'user', subject: 'alice', admin, grants });
const payments = { name: 'payments', public: false };
const base = { name: 'base', public: true };

describe('permittedActions', () => {
  it.each<[string, Principal, { name: string; public: boolean } | undefined, RegistryAction[]]>([
    ['reader pulls', user([{ project: 'payments', role: 'reader' }]), payments, ['pull']],
    ['publisher pulls and pushes', user([{ project: 'payments', role: 'publisher' }]), payments,
      ['pull', 'push']],
    ['maintainer also deletes', user([{ project: 'payments', role: 'maintainer' }]), payments,
      ['pull', 'push', 'delete']],
    ['roles add up', user([{ project: 'payments', role: 'reader' },
      { project: 'payments', role: 'publisher' }]), payments, ['pull', 'push']],
    ['a grant elsewhere gives nothing', user([{ project: 'cards', role: 'maintainer' }]),
      payments, []],
    ['no grant, no access', user([]), payments, []],
    ['admin does everything', user([], true), payments, ['pull', 'push', 'delete']],
    ['unknown project allows nothing, even to admin', user([], true), undefined, []],
    ['anonymous gets nothing from a private project', ANONYMOUS, payments, []],
    ['anonymous pulls from a public project', ANONYMOUS, base, ['pull']],
    ['a public project still needs a grant to push', user([{ project: 'base', role: 'reader' }]),
      base, ['pull']],
  ])('%s', (_name, principal, project, expected) => {
    expect(permittedActions(principal, project)).toEqual(expected);
  });
});

describe('intersectActions', () => {
  it('keeps requested actions that are permitted, in canonical order', () => {
    expect(intersectActions(['push', 'pull', 'delete'], ['pull', 'push']))
      .toEqual(['pull', 'push']);
  });
});
