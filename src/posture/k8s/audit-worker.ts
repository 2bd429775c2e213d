// A worker thread of parallel.ts: judges each input it is sent with the audit's options (from
// workerData) and posts the result back, its rows of numbers moved rather than copied. Holds no
// state between inputs.
import { parentPort, workerData } from 'node:worker_threads';
import { auditInput, judgedControls, type K8sAuditOptions } from './audit.js';
import type { AuditReply, AuditRequest } from './parallel.js';

const options = workerData as K8sAuditOptions;
const controls = judgedControls(options);

parentPort?.on('message', (request: AuditRequest) => {
  const reply: AuditReply = {
    index: request.index,
    result: auditInput(request.input, controls, options),
  };
  parentPort?.postMessage(reply, [reply.result.findings.codes.buffer as ArrayBuffer]);
});
