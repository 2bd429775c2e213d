// The access side of the JSON API under /api/v1/: who is calling, whether the operation's rule
// lets them, one audit record (event `api`) per decision, and the account data the API shows.
// Deny by default: anonymous callers are refused, bearer tokens must carry the `registry:api:*`
// scope, and a rule that is not met refuses.
import { recordAccountChange } from './account-audit.js';
import { verifyChain, type AuditRow, type ChainVerdict } from './audit-chain.js';
import { AccessError } from './errors.js';
import { checkName, projectOf } from './names.js';
import type { RegistryAction } from './policy.js';
import type { PrincipalResolver } from './principal.js';
import { permittedActions, type Grant, type Principal, type ProjectInfo,
  type Role } from './roles.js';
import { formatChallenge } from './scope.js';
import type { AuditPageFilter, AuditStore } from './store/audit-store.js';
import type { Directory } from './store/directory.js';

/** The token scope a bearer token needs for the API: `registry:api:*`. */
export const API_SCOPE = { type: 'registry', name: 'api', action: '*' } as const;

/** What an operation requires of the caller. */
export type ApiRule =
  | { kind: 'signed-in' }
  | { kind: 'admin' }
  /** Any role in the project, or a public project; admins see every project. */
  | { kind: 'project'; project: string }
  /** Pull on the repository. */
  | { kind: 'repository'; repository: string };

export interface ApiRequest {
  /** The raw Authorization header; never logged or stored. */
  authorization?: string;
  remoteAddress?: string;
  /** A stable operation name for the audit record, e.g. `projects.list`. */
  operation: string;
  rule: ApiRule;
}

export type ApiDecision =
  | { allowed: true; principal: Principal; via: 'basic' | 'bearer' }
  | { allowed: false; status: 401 | 403 | 404 | 429; code: ApiDenialCode; reason: string;
    challenge?: string; retryAfterSeconds?: number };

export type ApiDenialCode = 'UNAUTHORIZED' | 'FORBIDDEN' | 'INSUFFICIENT_SCOPE' | 'NOT_FOUND'
  | 'TOO_MANY_REQUESTS';

export interface ProjectMember {
  subject: string;
  kind: 'user' | 'robot';
  role: Role;
  /** Robots only. */
  expiresAt?: string;
}

export interface ApiAccessContext {
  directory: Directory;
  audit: AuditStore;
  resolver: PrincipalResolver;
  realm: string;
  service: string;
  now: () => Date;
}

export class ApiAccess {
  constructor(private readonly context: ApiAccessContext) {}

  /** Decides one API request and records the decision. */
  async authorize(request: ApiRequest): Promise<ApiDecision> {
    const resolved = await this.identify(request);
    const decision = resolved.allowed ? this.apply(resolved.principal, resolved.via, request.rule)
      : resolved;
    const subject = resolved.allowed ? resolved.principal.subject : resolved.subject;
    this.context.audit.append({
      at: this.context.now().toISOString(), event: 'api', subject,
      remoteAddress: request.remoteAddress, actions: `api:${request.operation}`,
      repository: targetOf(request.rule), decision: decision.allowed ? 'allow' : 'deny',
      status: decision.allowed ? 200 : decision.status,
      reason: decision.allowed ? ruleReason(request.rule) : decision.reason,
    });
    return decision;
  }

  private async identify(request: ApiRequest): Promise<ApiDecision & { subject?: string }> {
    const resolution = await this.context.resolver.resolve(request.authorization,
      request.remoteAddress);
    if (!resolution.ok) {
      return resolution.status === 429
        ? { allowed: false, status: 429, code: 'TOO_MANY_REQUESTS', reason: resolution.reason,
          retryAfterSeconds: resolution.retryAfterSeconds, subject: resolution.subject }
        : this.unauthenticated(resolution.reason, resolution.subject);
    }

    if (resolution.principal.kind === 'anonymous' || resolution.via === 'none') {
      return this.unauthenticated('authentication required');
    }

    if (resolution.via === 'bearer' && !resolution.access.some((s) => s.type === API_SCOPE.type
      && s.name === API_SCOPE.name && s.actions.includes(API_SCOPE.action))) {
      const { realm, service } = this.context;
      return { allowed: false, status: 403, code: 'INSUFFICIENT_SCOPE',
        subject: resolution.principal.subject,
        reason: 'the token does not grant registry:api:*; request a token with that scope',
        challenge: formatChallenge({ realm, service, scope: apiScopeText(),
          error: 'insufficient_scope' }) };
    }

    return { allowed: true, principal: resolution.principal, via: resolution.via };
  }

  private unauthenticated(reason: string, subject?: string): ApiDecision & { subject?: string } {
    const { realm, service } = this.context;
    return { allowed: false, status: 401, code: 'UNAUTHORIZED', reason, subject,
      challenge: formatChallenge({ realm, service, scope: apiScopeText(),
        error: reason.startsWith('token') ? 'invalid_token' : undefined }) };
  }

  private apply(principal: Principal, via: 'basic' | 'bearer', rule: ApiRule): ApiDecision {
    const allowed: ApiDecision = { allowed: true, principal, via };
    switch (rule.kind) {
      case 'signed-in':
        return allowed;
      case 'admin':
        return principal.admin ? allowed : { allowed: false, status: 403, code: 'FORBIDDEN',
          reason: `${principal.subject ?? ''} is not an admin` };
      case 'project':
        // Projects the caller may not see answer as missing, so their names do not leak.
        return this.mayPull(principal, rule.project, true) ? allowed : { allowed: false,
          status: 404, code: 'NOT_FOUND', reason: `project ${rule.project} is not visible to `
            + `${principal.subject ?? ''} or does not exist` };
      case 'repository':
        return this.mayPull(principal, rule.repository, false) ? allowed : { allowed: false,
          status: 404, code: 'NOT_FOUND', reason: `repository ${rule.repository} is not `
            + `visible to ${principal.subject ?? ''} or its project does not exist` };
    }
  }

  private mayPull(principal: Principal, name: string, isProject: boolean): boolean {
    const project = this.context.directory.project(isProject ? name : projectOf(name));
    const actions: RegistryAction[] = permittedActions(principal, project);
    return actions.includes('pull');
  }

  /** The projects `principal` may see, with the actions it may take in each. */
  visibleProjects(principal: Principal): (ProjectInfo & { actions: RegistryAction[] })[] {
    return this.context.directory.projects().flatMap((project) => {
      const actions = permittedActions(principal, project);
      return actions.includes('pull') ? [{ ...project, actions }] : [];
    });
  }

  /** The subset of `repositories` `principal` may pull. */
  visibleRepositories(principal: Principal, repositories: string[]): string[] {
    const cache = new Map<string, boolean>();
    return repositories.filter((name) => {
      const project = projectOf(name);
      const seen = cache.get(project) ?? this.mayPull(principal, project, true);
      cache.set(project, seen);
      return seen;
    });
  }

  project(name: string): ProjectInfo | undefined {
    return this.context.directory.project(name);
  }

  /** Users and robots holding a role in `project`. */
  members(project: string): ProjectMember[] {
    const users = this.context.directory.users().flatMap((user) => user.grants
      .filter((g) => g.project === project)
      .map((g): ProjectMember => ({ subject: user.name, kind: 'user', role: g.role })));
    const robots = this.context.directory.robots().filter((r) => r.project === project)
      .map((r): ProjectMember => ({ subject: `robot/${r.name}`, kind: 'robot', role: r.role,
        expiresAt: r.expiresAt }));
    return [...users, ...robots];
  }

  /** Users with their admin flag and grants; never a password hash. */
  users(): { name: string; admin: boolean; grants: Grant[] }[] {
    return this.context.directory.users().map(({ name, admin, grants }) =>
      ({ name, admin, grants }));
  }

  /** Robots with project, role and expiry; never a token or its hash. */
  robots(): { name: string; project: string; role: Role; expiresAt: string }[] {
    return this.context.directory.robots();
  }

  auditPage(filter: AuditPageFilter): AuditRow[] {
    return this.context.audit.page(filter);
  }

  // Limitation: verification reads the whole log in one synchronous pass, so a very large log
  // holds the server's event loop while it runs; the CLI's `moat audit-log --verify` does not.
  verifyAudit(): ChainVerdict {
    return verifyChain(this.context.audit.rows());
  }

  /** @throws AccessError `INVALID_NAME`, `PROJECT_EXISTS`. */
  createProject(actor: string, name: string, isPublic: boolean): void {
    const now = this.context.now();
    this.context.directory.createProject(checkName('project', name), isPublic, now);
    recordAccountChange(this.context.audit, { actor, change: 'project create', project: name,
      detail: `created ${isPublic ? 'public' : 'private'} project ${name} via the API`, at: now });
  }

  /** @throws AccessError `USER_UNKNOWN`, `PROJECT_UNKNOWN`. */
  grant(actor: string, grant: Grant & { user: string }): void {
    this.context.directory.grant(grant.user, grant.role, grant.project);
    recordAccountChange(this.context.audit, { actor, change: 'user grant', project: grant.project,
      detail: `granted ${grant.role} in ${grant.project} to ${grant.user} via the API`,
      at: this.context.now() });
  }

  /** @throws AccessError `NO_SUCH_GRANT`. */
  revoke(actor: string, grant: Grant & { user: string }): void {
    if (!this.context.directory.revoke(grant.user, grant.role, grant.project)) {
      throw new AccessError('NO_SUCH_GRANT', `${grant.user} has no ${grant.role} role in `
        + `${grant.project}`);
    }

    recordAccountChange(this.context.audit, { actor, change: 'user revoke',
      project: grant.project, at: this.context.now(),
      detail: `revoked ${grant.role} in ${grant.project} from ${grant.user} via the API` });
  }
}

function apiScopeText(): string {
  return `${API_SCOPE.type}:${API_SCOPE.name}:${API_SCOPE.action}`;
}

function targetOf(rule: ApiRule): string | undefined {
  return rule.kind === 'project' ? rule.project
    : rule.kind === 'repository' ? rule.repository : undefined;
}

function ruleReason(rule: ApiRule): string {
  switch (rule.kind) {
    case 'signed-in':
      return 'authenticated';
    case 'admin':
      return 'admin';
    case 'project':
      return `may see project ${rule.project}`;
    case 'repository':
      return `may pull ${rule.repository}`;
  }
}
