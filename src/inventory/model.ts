// The one package model every capability shares: SBOMs, vulnerability matching, registry
// policy, admission and fleet inventory all read these types and nothing slightly different.

/** The image layer that last wrote a file, and the build step that made it. */
export interface LayerRef {
  /** Position in the manifest's layer list, 0 = base layer. */
  index: number;
  /** Digest of the layer blob as stored (compressed). */
  digest: string;
  /** Digest of the uncompressed layer (config `rootfs.diff_ids`), when known. */
  diffId?: string;
  /** `history[].created_by` of the non-empty history entry that produced this layer. */
  createdBy?: string;
}

/** Where a package's evidence was found inside the image. Paths are absolute in the image. */
export interface Location {
  path: string;
  layer?: LayerRef;
}

/** Package formats Moat understands, named as package-url types. */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven';

export interface SourcePackage {
  name: string;
  version?: string;
}

export interface Package {
  name: string;
  version: string;
  type: PackageType;
  /**
   * OSV ecosystem name without a release: `Debian`, `Ubuntu`, `Alpine`, `Red Hat`, `npm`,
   * `PyPI`, `Go`, `Maven`. The matcher adds the release from the inventory's OS.
   */
  ecosystem: string;
  /** package-url (https://github.com/package-url/purl-spec). */
  purl: string;
  /** The distro source package this binary package was built from. */
  source?: SourcePackage;
  /** License identifiers or expressions as declared; empty when none is declared. */
  licenses: string[];
  /** Every file that gave evidence for this package; the first is the primary one. */
  locations: Location[];
  /** Layer of the primary location: the layer that brought the package in. */
  layer?: LayerRef;
  /** Format-specific facts (architecture, Go toolchain, Maven group, …). */
  metadata?: Record<string, string>;
}

/** The operating system of an image, from os-release and friends. */
export interface OsRelease {
  /** `ID` from os-release: `debian`, `ubuntu`, `alpine`, `rhel`, … */
  id: string;
  /** `VERSION_ID`: `12`, `3.19.1`, `22.04`, … */
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  idLike: string[];
  /** True for distroless images (dpkg `status.d/` without a shell or package manager). */
  distroless?: boolean;
}

/** Something that went wrong on one item while the rest of the work went on. */
export interface Warning {
  code: string;
  message: string;
  path?: string;
}

/** What the image was and how it was read. */
export interface ImageSummary {
  /** The reference as the user gave it. */
  reference: string;
  /** Transport: `oci`, `oci-archive`, `docker-archive`, `dir`, `docker`. */
  transport: string;
  /** Digest of the manifest that was read; absent for `dir:`. */
  manifestDigest?: string;
  /** Digest of the image config; absent for `dir:`. */
  configDigest?: string;
  platform?: string;
  layers: LayerRef[];
}

export interface Inventory {
  image: ImageSummary;
  os?: OsRelease;
  packages: Package[];
  warnings: Warning[];
}
