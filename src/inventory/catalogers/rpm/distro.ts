// Names an rpm-based distribution for matching and purls: the OSV ecosystem (as osv.dev
// spells it) and the purl vendor namespace.
import type { OsRelease } from '../../model.js';

export interface RpmDistro {
  ecosystem: string;
  vendor: string;
  qualifier?: string;
}

const KNOWN: Record<string, { ecosystem: string; vendor: string }> = {
  rhel: { ecosystem: 'Red Hat', vendor: 'redhat' },
  centos: { ecosystem: 'Red Hat', vendor: 'centos' },
  almalinux: { ecosystem: 'AlmaLinux', vendor: 'almalinux' },
  rocky: { ecosystem: 'Rocky Linux', vendor: 'rocky' },
  fedora: { ecosystem: 'Fedora', vendor: 'fedora' },
  ol: { ecosystem: 'Oracle Linux', vendor: 'oracle' },
  amzn: { ecosystem: 'Amazon Linux', vendor: 'amazon' },
  opensuse: { ecosystem: 'openSUSE', vendor: 'opensuse' },
  'opensuse-leap': { ecosystem: 'openSUSE', vendor: 'opensuse' },
  sles: { ecosystem: 'SUSE', vendor: 'suse' },
  mariner: { ecosystem: 'Azure Linux', vendor: 'mariner' },
  azurelinux: { ecosystem: 'Azure Linux', vendor: 'azurelinux' },
  openeuler: { ecosystem: 'openEuler', vendor: 'openeuler' },
};

/** The distribution by os-release `ID`, then `ID_LIKE`; Red Hat when nothing is known. */
export function rpmDistroOf(os: OsRelease | undefined): RpmDistro {
  const ids = os === undefined ? [] : [os.id, ...os.idLike];
  const known = ids.map((id) => KNOWN[id]).find((k) => k !== undefined);
  const qualifier = os?.versionId === undefined ? undefined : `${os.id}-${os.versionId}`;
  const vendor = os !== undefined && KNOWN[os.id] === undefined ? os.id : known?.vendor;
  return {
    ecosystem: known?.ecosystem ?? 'Red Hat',
    vendor: vendor ?? 'redhat',
    qualifier,
  };
}
