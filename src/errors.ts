// One base error for the whole project: a stable string `code` that tests and callers can
// switch on, a human message that says what to do, and the underlying `cause`.

export class MoatError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad command-line usage: unknown flag values, missing arguments. */
export class UsageError extends MoatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}

/** Returns the message of any thrown value, for places that must print something. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }

  return String(err);
}
