// Stable exit codes: scripts and CI pipelines depend on them.
export const ExitCode = {
  /** The command did what was asked and nothing failed the chosen policy. */
  OK: 0,
  /** The command worked and something failed the policy (findings, failed checks). */
  POLICY: 1,
  /** The command could not do its job: bad usage, unreadable input, network errors. */
  ERROR: 2,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
