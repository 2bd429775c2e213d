'use strict';
// Loads the compiled addon; see sendfile.c for what it does and why it is native.
const { getSystemErrorName } = require('node:util');
const binding = require('./build/Release/moat_sendfile.node');

/**
 * Sends `length` bytes of `fileFd` from `offset` into the connected socket `socketFd`.
 * Resolves with the bytes sent; rejects with an Error whose `code` is the errno name and whose
 * `bytesSent` says how far it got. Both descriptors are duplicated before this returns.
 */
function sendFile(socketFd, fileFd, offset, length, idleMs) {
  return new Promise((resolve, reject) => {
    binding.send(socketFd, fileFd, offset, length, idleMs, (errno, sent) => {
      if (errno === 0) {
        resolve(sent);
        return;
      }

      const code = getSystemErrorName(-errno);
      const err = new Error(`sendfile failed after ${sent} of ${length} bytes: ${code}`);
      err.code = code;
      err.bytesSent = sent;
      reject(err);
    });
  });
}

module.exports = { sendFile };
