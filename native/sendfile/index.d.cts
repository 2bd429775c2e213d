export function sendFile(socketFd: number, fileFd: number, offset: number, length: number,
  idleMs: number): Promise<number>;
