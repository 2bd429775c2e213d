// Pod Security Standards baseline: privileged, host namespaces, HostProcess, sysctls.
import { asFields, asList, asString, dig } from '../fields.js';
import { podScPath, scPath, type Check, type Violation } from '../pod.js';

export const privileged: Check = (pod) =>
  pod.containers
    .filter((c) => c.securityContext.privileged === true)
    .map((c) => ({
      controlId: 'MOAT-K8S-001',
      path: scPath(c, 'privileged'),
      container: c.name,
      message: `container ${c.name} is privileged`,
    }));

function hostNamespace(controlId: string, field: 'hostPID' | 'hostIPC' | 'hostNetwork'): Check {
  return (pod) =>
    pod.spec[field] === true
      ? [{ controlId, path: [...pod.specPath, field], message: `pod sets ${field}: true` }]
      : [];
}

export const hostPid = hostNamespace('MOAT-K8S-002', 'hostPID');
export const hostIpc = hostNamespace('MOAT-K8S-003', 'hostIPC');
export const hostNetwork = hostNamespace('MOAT-K8S-004', 'hostNetwork');

export const hostProcess: Check = (pod) => {
  const out: Violation[] = [];
  if (dig(pod.podSecurityContext, 'windowsOptions', 'hostProcess') === true) {
    out.push({
      controlId: 'MOAT-K8S-005',
      path: podScPath(pod, 'windowsOptions', 'hostProcess'),
      message: 'pod runs Windows HostProcess containers',
    });
  }

  for (const c of pod.containers) {
    if (dig(c.securityContext, 'windowsOptions', 'hostProcess') === true) {
      out.push({
        controlId: 'MOAT-K8S-005',
        path: scPath(c, 'windowsOptions', 'hostProcess'),
        container: c.name,
        message: `container ${c.name} is a Windows HostProcess container`,
      });
    }
  }

  return out;
};

/** PSS baseline "safe" sysctls (namespaced and isolated per pod), as of v1.29+. */
export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

export const sysctls: Check = (pod) => {
  const out: Violation[] = [];
  asList(pod.podSecurityContext.sysctls).forEach((item, i) => {
    const name = asString(asFields(item)?.name) ?? '';
    if (!SAFE_SYSCTLS.has(name)) {
      out.push({
        controlId: 'MOAT-K8S-014',
        path: podScPath(pod, 'sysctls', i, 'name'),
        message: `sysctl ${name || '(unnamed)'} is not in the safe set`,
      });
    }
  });

  return out;
};
