// The one finding model every consumer reads: scan output, CI gates, registry policy,
// admission and fleet views all take these and nothing slightly different.
import type { LayerRef } from '../inventory/model.js';
import type { CvssScore } from '../advisories/cvss.js';
import type { Severity } from './severity.js';

export interface FindingPackage {
  name: string;
  version: string;
  /** OSV ecosystem with release, as matched: `Debian:12`, `Alpine:v3.19`, `npm`. */
  ecosystem: string;
  purl: string;
  /** The name advisories use when it differs (Debian source, Alpine origin). */
  advisoryName?: string;
  /** What the package belongs to in the report: `os`, or a lockfile / install path. */
  target: string;
}

export interface Finding {
  /** `malicious` for MAL-* records: the package itself is hostile. */
  kind: 'vulnerability' | 'malicious';
  vulnerability: {
    id: string;
    /** Every other id of this vulnerability: aliases, upstream and folded related ids. */
    aliases: string[];
    summary?: string;
    references: string[];
    published?: string;
    modified: string;
  };
  package: FindingPackage;
  severity: Severity;
  /** Where the severity came from: `cvss-v3.1`, `debian-urgency`, `malicious-package`, … */
  severitySource: string;
  cvss: CvssScore[];
  /** `affected` when the version is in range; `unknown` when the version could not be read. */
  status: 'affected' | 'unknown';
  fixedVersions: string[];
  /**
   * `fixed`: a fixed version exists; `not-fixed`: no fix has been released.
   * Limitation: "will not fix" is not told apart from "no fix yet": the Debian tracker's
   * `<no-dsa>` / `<ignored>` notes do not reach its OSV export, the only data Moat reads.
   */
  fixState: 'fixed' | 'not-fixed';
  layer?: LayerRef;
  /** Set by `--vex` or `--ignore-file` when the finding was suppressed, with the reason. */
  suppressed?: { by: 'vex' | 'ignore-file'; reason: string };
}
