// Roles and what they allow. Pure: a subject's grants and the project's visibility in,
// the permitted actions out. Deny by default: no grant, no action.
import type { RegistryAction } from './policy.js';

export const ROLES = ['reader', 'publisher', 'maintainer'] as const;
export type Role = (typeof ROLES)[number];

const ROLE_ACTIONS: Record<Role, readonly RegistryAction[]> = {
  reader: ['pull'],
  publisher: ['pull', 'push'],
  maintainer: ['pull', 'push', 'delete'],
};

export const ALL_ACTIONS: readonly RegistryAction[] = ['pull', 'push', 'delete'];

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

export interface Grant {
  project: string;
  role: Role;
}

/** Who is asking, as far as permissions go. `anonymous` has no grants. */
export interface Principal {
  kind: 'user' | 'robot' | 'anonymous';
  /** `NAME` for users, `robot/NAME` for robots. */
  subject?: string;
  admin: boolean;
  grants: Grant[];
}

export interface ProjectInfo {
  name: string;
  public: boolean;
}

export const ANONYMOUS: Principal = { kind: 'anonymous', admin: false, grants: [] };

/**
 * The actions `principal` may take in `project` (undefined when it does not exist, which
 * allows nothing, even to an admin: repositories live only in created projects).
 */
export function permittedActions(principal: Principal,
  project: ProjectInfo | undefined): RegistryAction[] {
  if (project === undefined) {
    return [];
  }

  if (principal.admin) {
    return [...ALL_ACTIONS];
  }

  const permitted = new Set<RegistryAction>(project.public ? ['pull'] : []);
  for (const grant of principal.grants.filter((g) => g.project === project.name)) {
    ROLE_ACTIONS[grant.role].forEach((action) => permitted.add(action));
  }

  return ALL_ACTIONS.filter((action) => permitted.has(action));
}

/** The requested actions that are in `permitted`, in canonical order. */
export function intersectActions(requested: readonly RegistryAction[],
  permitted: readonly RegistryAction[]): RegistryAction[] {
  return ALL_ACTIONS.filter((a) => requested.includes(a) && permitted.includes(a));
}
