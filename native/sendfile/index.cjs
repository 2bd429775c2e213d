'use strict';
// Loads the compiled addon; see sendfile.c for what it does and why it is native.
const { getSystemErrorName } = require('node:util');
const binding = require('./build/Release/moat_sendfile.node');

/**
 * Starts sending `length` bytes of `fileFd` from `offset` into the connected socket
 * `socketFd`. `done` resolves with the bytes sent, or rejects with an Error whose `code` is the
 * errno name (ECANCELED after `cancel()`) and whose `bytesSent` says how far it got. Both
 * descriptors are duplicated before this returns, so the caller may close its own at once.
 */
function startSendFile(socketFd, fileFd, offset, length, idleMs) {
  let handle;
  const done = new Promise((resolve, reject) => {
    handle = binding.send(socketFd, fileFd, offset, length, idleMs, (errno, sent) => {
      if (errno === 0) {
        resolve(sent);
        return;
      }

      const code = getSystemErrorName(-errno);
      const err = new Error(`sendfile stopped after ${sent} of ${length} bytes: ${code}`);
      err.code = code;
      err.bytesSent = sent;
      reject(err);
    });
  });
  return {
    done,
    cancel() {
      if (handle !== undefined && handle !== null) {
        binding.cancel(handle);
      }
    },
  };
}

module.exports = { startSendFile };
