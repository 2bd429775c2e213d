// Identifies the Java packages in an archive and in the archives nested inside it
// (WEB-INF/lib, BOOT-INF/lib, an EAR's modules), within a depth and a shared byte budget so
// that a zip bomb or an endlessly nested archive only costs a warning.
import { describeError } from '../../../errors.js';
import { baseName } from '../../files.js';
import type { Package, Warning } from '../../model.js';
import { buildPurl } from '../../purl.js';
import { parseArchiveName, parseManifest, parseProperties } from './metadata.js';
import { type MemberWant, type ZipLimits, type ZipMember, readZipMembers } from './zip.js';

export const ARCHIVE_EXTENSIONS = /\.(?:jar|war|ear|jpi|hpi|par|sar|nar|kar)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';

export interface ArchiveLimits {
  maxDepth: number;
  maxEntries: number;
  maxMemberBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDepth: 4,
  maxEntries: 100_000,
  maxMemberBytes: 256 * 1024 * 1024,
};

interface Walk {
  limits: ArchiveLimits;
  budget: { bytes: number };
  packages: Package[];
  warnings: Warning[];
}

/** The packages of an archive at `path`; `budget` caps the bytes decompressed in total. */
export async function catalogArchive(
  bytes: Buffer,
  path: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
  budgetBytes = 512 * 1024 * 1024,
): Promise<{ packages: Package[]; warnings: Warning[] }> {
  const walk: Walk = { limits, budget: { bytes: budgetBytes }, packages: [], warnings: [] };
  await inspect(bytes, path, 0, walk);
  return { packages: walk.packages, warnings: walk.warnings };
}

async function inspect(bytes: Buffer, location: string, depth: number, walk: Walk): Promise<void> {
  const zipLimits: ZipLimits = {
    maxEntries: walk.limits.maxEntries,
    maxMemberBytes: walk.limits.maxMemberBytes,
    budget: walk.budget,
  };
  const nestedAllowed = depth < walk.limits.maxDepth;
  const wants = (name: string): MemberWant => {
    if (name === MANIFEST || POM_PROPERTIES.test(name)) {
      return 'read';
    }

    if (!ARCHIVE_EXTENSIONS.test(name)) {
      return undefined;
    }

    return nestedAllowed ? 'read' : 'list';
  };

  let members: ZipMember[];
  try {
    const read = await readZipMembers(bytes, wants, zipLimits);
    members = read.members;
    for (const skipped of read.skipped) {
      const message = `${skipped.name}: ${skipped.reason}; not inspected`;
      walk.warnings.push({ code: 'JAVA_ARCHIVE_LIMIT', message, path: location });
    }

    for (const name of read.listed) {
      const message = `nested deeper than ${walk.limits.maxDepth} archives; not inspected`;
      walk.warnings.push({ code: 'JAVA_ARCHIVE_TOO_DEEP', message, path: `${location}:${name}` });
    }
  } catch (err) {
    const message = `not a readable zip archive (${describeError(err)}); skipped`;
    walk.warnings.push({ code: 'JAVA_ARCHIVE_INVALID', message, path: location });
    return;
  }

  walk.packages.push(...identify(members, location));
  for (const member of members.filter((m) => ARCHIVE_EXTENSIONS.test(m.name))) {
    await inspect(member.data, `${location}:${member.name}`, depth + 1, walk);
  }
}

// Maven's pom.properties name packages exactly; the manifest and then the file name are
// fallbacks for archives built without Maven.
function identify(members: ZipMember[], location: string): Package[] {
  const poms = members.filter((m) => POM_PROPERTIES.test(m.name));
  const fromPoms = poms.flatMap((pom) => {
    const props = parseProperties(pom.data.toString('utf8'));
    const group = props.get('groupId');
    const artifact = props.get('artifactId');
    const version = props.get('version');
    if (group === undefined || artifact === undefined || version === undefined) {
      return [];
    }

    return [mavenPackage(group, artifact, version, location, 'pom.properties')];
  });
  if (fromPoms.length > 0) {
    return fromPoms;
  }

  const manifestMember = members.find((m) => m.name === MANIFEST);
  const manifest = manifestMember === undefined
    ? new Map<string, string>()
    : parseManifest(manifestMember.data.toString('utf8'));
  const fromName = parseArchiveName(baseName(location.slice(location.lastIndexOf(':') + 1)));
  const symbolic = manifest.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const artifact = fromName?.artifact ?? symbolic ?? manifest.get('Implementation-Title');
  const manifestVersion = manifest.get('Implementation-Version') ?? manifest.get('Bundle-Version');
  const version = manifestVersion ?? fromName?.version;
  if (artifact === undefined || version === undefined || /\s/.test(artifact + version)) {
    return [];
  }

  const evidence = manifestVersion === undefined ? 'filename' : 'manifest';
  const group = manifest.get('Implementation-Vendor-Id');
  return [mavenPackage(group, artifact, version, location, evidence)];
}

function mavenPackage(
  group: string | undefined,
  artifact: string,
  version: string,
  location: string,
  evidence: string,
): Package {
  const metadata: Record<string, string> = { evidence, artifactId: artifact };
  if (group !== undefined) {
    metadata.groupId = group;
  }

  // A maven purl needs a group; without one, Maven's legacy convention (group = artifact,
  // as in aopalliance:aopalliance) is the best guess, and the metadata says it was guessed.
  if (group === undefined) {
    metadata.purlGroupGuessed = 'true';
  }

  return {
    name: group === undefined ? artifact : `${group}:${artifact}`,
    version,
    type: 'maven',
    ecosystem: 'Maven',
    purl: buildPurl({ type: 'maven', namespace: group ?? artifact, name: artifact, version }),
    licenses: [],
    locations: [{ path: location }],
    metadata,
  };
}
