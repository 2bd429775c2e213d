// Account changes (users, grants, robots, projects) go into the same hash-chained audit log as
// access decisions, so auditors see who was given which role and when.
import type { AuditStore } from './store/audit-store.js';

export interface AccountChange {
  /** Who made the change, e.g. `cli:root`. */
  actor: string;
  /** `user add`, `user grant`, `robot add`, `project create`, … */
  change: string;
  /** What changed, in words; never a password or token. */
  detail: string;
  project?: string;
  at: Date;
}

export function recordAccountChange(audit: AuditStore, change: AccountChange): void {
  audit.append({ at: change.at.toISOString(), event: 'admin', subject: change.actor,
    actions: change.change, repository: change.project, decision: 'allow', status: 200,
    reason: change.detail });
}
