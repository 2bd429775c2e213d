export interface Transfer {
  /** Resolves with the bytes sent; rejects with an Error that has `code` and `bytesSent`. */
  done: Promise<number>;
  /** Stops the transfer; `done` then rejects with ECANCELED. No-op once it has ended. */
  cancel(): void;
}

export function startSendFile(socketFd: number, fileFd: number, offset: number, length: number,
  idleMs: number): Transfer;
