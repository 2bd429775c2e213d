// Host ports (baseline) and the `host` field of probes and lifecycle hooks (baseline, v1.34+).
import { asFields, asList, asString, dig } from '../fields.js';
import type { Check, Violation } from '../pod.js';

export const hostPorts: Check = (pod) => {
  const out: Violation[] = [];
  for (const c of pod.containers) {
    asList(c.fields.ports).forEach((port, i) => {
      const hostPort = asFields(port)?.hostPort;
      if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
        out.push({
          controlId: 'MOAT-K8S-008',
          path: [...c.path, 'ports', i, 'hostPort'],
          container: c.name,
          message: `container ${c.name} binds host port ${String(hostPort)}`,
        });
      }
    });
  }

  return out;
};

const HANDLERS: string[][] = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];

export const probeHosts: Check = (pod) => {
  const out: Violation[] = [];
  for (const c of pod.containers) {
    for (const handler of HANDLERS) {
      for (const action of ['httpGet', 'tcpSocket']) {
        const host = dig(c.fields, ...handler, action, 'host');
        if (host !== undefined && host !== null && asString(host) !== '') {
          out.push({
            controlId: 'MOAT-K8S-009',
            path: [...c.path, ...handler, action, 'host'],
            container: c.name,
            message: `container ${c.name} ${handler.join('.')} targets host ${String(host)}`,
          });
        }
      }
    }
  }

  return out;
};
