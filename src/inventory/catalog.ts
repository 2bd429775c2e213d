// Runs OS detection, then every cataloger over an image's collected files, and returns one
// sorted package list with each package tied to the layer that brought it in.
import type { FileView } from '../image/types.js';
import { describeError } from '../errors.js';
import type { Cataloger } from './cataloger.js';
import type { LayerRef, OsRelease, Package, Warning } from './model.js';
import type { OsDetector } from './os.js';

export interface CatalogOutput {
  os?: OsRelease;
  packages: Package[];
  warnings: Warning[];
}

/** Catalogs the view; a cataloger that fails becomes a warning and the others go on. */
export async function catalogFiles(
  view: FileView,
  catalogers: readonly Cataloger[],
  osDetector: OsDetector,
): Promise<CatalogOutput> {
  const warnings: Warning[] = [];
  let os: OsRelease | undefined;
  try {
    os = await osDetector.detect(view);
  } catch (err) {
    warnings.push({ code: 'OS_DETECTION_FAILED', message: describeError(err) });
  }

  const packages: Package[] = [];
  for (const cataloger of catalogers) {
    try {
      const result = await cataloger.catalog(view, { os });
      packages.push(...result.packages);
      warnings.push(...result.warnings);
    } catch (err) {
      warnings.push({
        code: 'CATALOGER_FAILED',
        message: `${cataloger.name} cataloger failed: ${describeError(err)}`,
      });
    }
  }

  return { os, packages: packages.map((p) => withLayers(view, p)).sort(comparePackages), warnings };
}

function withLayers(view: FileView, pkg: Package): Package {
  const locations = pkg.locations.map((location) => {
    const layer = location.layer ?? layerOf(view, location.path);
    return layer === undefined ? location : { ...location, layer };
  });

  return { ...pkg, locations, layer: pkg.layer ?? locations[0]?.layer };
}

// Nested archive members are written `outer.war:WEB-INF/lib/x.jar`; the outer file carries
// the layer. The whole path is tried first, as image paths may contain colons.
function layerOf(view: FileView, path: string): LayerRef | undefined {
  const direct = view.lstat(path)?.layer;
  if (direct !== undefined) {
    return direct;
  }

  const outer = path.indexOf(':');
  return outer > 0 ? view.lstat(path.slice(0, outer))?.layer : undefined;
}

function comparePackages(a: Package, b: Package): number {
  return (
    compareText(a.ecosystem, b.ecosystem) ||
    compareText(a.name, b.name) ||
    compareText(a.version, b.version) ||
    compareText(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '')
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
