// The registry's access policy: resolves who is asking, decides, and records every decision
// in the audit log. Deny by default; anonymous pulls only from public projects.
import type { AuditEntry } from './audit-chain.js';
import { projectOf } from './names.js';
import type {
  AccessDecision, AccessPolicy, AccessRequest, RegistryAction,
} from './policy.js';
import { tokenActions, type PrincipalResolver } from './principal.js';
import { intersectActions, permittedActions, type Principal } from './roles.js';
import { formatChallenge } from './scope.js';
import type { AuditStore } from './store/audit-store.js';
import type { Directory } from './store/directory.js';

export interface AccessControlContext {
  directory: Directory;
  audit: AuditStore;
  resolver: PrincipalResolver;
  realm: string;
  service: string;
  now: () => Date;
}

export class AccessControl implements AccessPolicy {
  constructor(private readonly context: AccessControlContext) {}

  async authorize(request: AccessRequest): Promise<AccessDecision> {
    const decision = await this.decide(request);
    this.record(request, decision);
    return decision;
  }

  async visibleRepositories(authorization: string | undefined, all: string[]):
    Promise<string[]> {
    const resolution = await this.context.resolver.resolve(authorization);
    if (!resolution.ok) {
      return [];
    }

    return all.filter((repository) => permittedActions(resolution.principal,
      this.context.directory.project(projectOf(repository))).includes('pull'));
  }

  private async decide(request: AccessRequest): Promise<AccessDecision> {
    const resolution = await this.context.resolver.resolve(request.authorization,
      request.remoteAddress);
    if (!resolution.ok) {
      return resolution.status === 429
        ? { allowed: false, status: 429, subject: resolution.subject, granted: [],
          reason: resolution.reason, errorCode: 'TOOMANYREQUESTS',
          retryAfterSeconds: resolution.retryAfterSeconds }
        : this.unauthenticated(request, resolution.reason, resolution.subject);
    }

    const { principal } = resolution;
    const { repository, actions } = request;
    // No repository or no action (ping, catalog): only "who are you" is decided here.
    if (repository === undefined || actions.length === 0) {
      return principal.kind === 'anonymous'
        ? this.unauthenticated(request, 'authentication required')
        : this.allow(principal, [], 'authenticated');
    }

    const project = this.context.directory.project(projectOf(repository));
    const permitted = permittedActions(principal, project);
    const granted = intersectActions(actions, permitted);
    let mayDo = permitted;
    if (resolution.via === 'bearer') {
      const inToken = tokenActions(resolution.access, repository);
      const missing = actions.filter((a) => !inToken.includes(a));
      if (missing.length > 0) {
        return this.insufficientScope(request, principal, missing);
      }

      mayDo = permitted.filter((a) => inToken.includes(a));
    }

    if (granted.length === actions.length) {
      return { ...this.allow(principal, granted, project?.public === true && principal.kind
        === 'anonymous' ? 'public project' : `permitted in project ${project?.name ?? ''}`),
      permitted: mayDo };
    }

    if (principal.kind === 'anonymous') {
      return this.unauthenticated(request, 'authentication required');
    }

    const reason = project === undefined
      ? `project ${projectOf(repository)} does not exist`
      : `${principal.subject ?? ''} may not ${actions.filter((a) => !granted.includes(a))
        .join(', ')} in project ${project.name}`;
    return { allowed: false, status: 403, subject: principal.subject, granted, reason,
      errorCode: 'DENIED' };
  }

  private allow(principal: Principal, granted: RegistryAction[], reason: string):
    AccessDecision {
    return { allowed: true, status: 200, subject: principal.subject, granted, reason };
  }

  private unauthenticated(request: AccessRequest, reason: string, subject?: string):
    AccessDecision {
    const { realm, service } = this.context;
    return { allowed: false, status: 401, subject, granted: [], reason, errorCode: 'UNAUTHORIZED',
      challenge: formatChallenge({ realm, service, repository: request.repository,
        actions: request.actions, error: reason.startsWith('token') ? 'invalid_token'
          : undefined }) };
  }

  private insufficientScope(request: AccessRequest, principal: Principal,
    missing: RegistryAction[]): AccessDecision {
    const reason = `token does not grant ${missing.join(', ')} on ${request.repository ?? ''}`;
    if (principal.kind === 'anonymous') {
      return this.unauthenticated(request, 'authentication required');
    }

    const { realm, service } = this.context;
    return { allowed: false, status: 403, subject: principal.subject, granted: [], reason,
      errorCode: 'INSUFFICIENT_SCOPE', challenge: formatChallenge({ realm, service,
        repository: request.repository, actions: request.actions, error: 'insufficient_scope' }) };
  }

  private record(request: AccessRequest, decision: AccessDecision): void {
    const entry: AuditEntry = {
      at: this.context.now().toISOString(), event: 'authorize', subject: decision.subject,
      remoteAddress: request.remoteAddress, actions: request.actions.join(','),
      repository: request.repository, digest: request.digest,
      decision: decision.allowed ? 'allow' : 'deny', status: decision.status,
      reason: decision.reason,
    };
    this.context.audit.append(entry);
  }
}
