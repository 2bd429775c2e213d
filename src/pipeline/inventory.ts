// The inventory pipeline: image reference → source → collected files → catalogers → Inventory.
// This is the one place that strings the stages together; the CLI, the scanner and (later) the
// server call it, and each stage stays ignorant of the others.
import { collectImage } from '../image/collect.js';
import { collectRootfs } from '../image/rootfs.js';
import type { ImageLimits } from '../image/limits.js';
import { layerRefs } from '../image/layer-refs.js';
import { openImage } from '../image/open.js';
import type { RetryInfo } from '../image/registry/index.js';
import type { ImageSource, Platform, Progress, ResolvedImage } from '../image/types.js';
import { catalogFiles } from '../inventory/catalog.js';
import type { Cataloger } from '../inventory/cataloger.js';
import { defaultCatalogers } from '../inventory/catalogers/index.js';
import type { Inventory } from '../inventory/model.js';
import { osDetector } from '../inventory/os.js';

export interface InventoryOptions {
  platform?: Platform;
  /** Allow plain HTTP to registries that are not on loopback. */
  insecure?: boolean;
  /** Credentials file in containers-auth.json / Docker config format. */
  authFile?: string;
  env?: NodeJS.ProcessEnv;
  limits?: Partial<ImageLimits>;
  catalogers?: readonly Cataloger[];
  onProgress?: (progress: Progress) => void;
  /** Told about each registry request that is retried after a 429, 5xx or network error. */
  onRetry?: (info: RetryInfo) => void;
}

/** Selects the OS release files for the detector that runs before the catalogers. */
const osFiles: Cataloger = {
  name: 'os-release',
  select: osDetector.select,
  catalog: () => Promise.resolve({ packages: [], warnings: [] }),
};

/**
 * Reads an image (or a root filesystem) and lists every package in it.
 * @throws ImageError for unreadable, corrupt or unverifiable images.
 */
export async function buildInventory(
  reference: string,
  options: InventoryOptions = {},
): Promise<Inventory> {
  const catalogers = options.catalogers ?? defaultCatalogers();
  const selectors = [osFiles, ...catalogers];
  const opened = await openImage(reference, {
    platform: options.platform,
    limits: options.limits,
    registry: {
      insecure: options.insecure,
      authFile: options.authFile,
      env: options.env,
      onRetry: options.onRetry,
    },
  });

  if (opened.kind === 'rootfs') {
    const view = await collectRootfs(opened.path, selectors, options);
    try {
      const found = await catalogFiles(view, catalogers, osDetector);
      return {
        image: { reference, transport: 'dir', layers: [] },
        os: found.os,
        packages: found.packages,
        warnings: [...view.warnings, ...found.warnings],
      };
    } finally {
      await view.close();
    }
  }

  const { source, image } = opened;
  try {
    return await inventoryOfImage(source, image, reference, options);
  } finally {
    await source.close();
  }
}

/**
 * Lists every package of an image already opened and resolved, e.g. one the Moat server reads
 * from its own blob store. The caller closes `source`.
 * @throws ImageError for unreadable, corrupt or unverifiable layers.
 */
export async function inventoryOfImage(
  source: ImageSource,
  image: ResolvedImage,
  reference: string,
  options: InventoryOptions = {},
): Promise<Inventory> {
  const catalogers = options.catalogers ?? defaultCatalogers();
  const selectors = [osFiles, ...catalogers];
  const view = await collectImage(source, image, selectors, options);
  try {
    const found = await catalogFiles(view, catalogers, osDetector);
    return {
      image: {
        reference,
        transport: image.transport,
        manifestDigest: image.manifestDigest,
        configDigest: image.configDigest,
        platform: platformText(image.platform),
        layers: layerRefs(image),
      },
      os: found.os,
      packages: found.packages,
      warnings: [...view.warnings, ...found.warnings],
    };
  } finally {
    await view.close();
  }
}

function platformText(platform: Platform | undefined): string | undefined {
  if (platform === undefined) {
    return undefined;
  }

  const base = `${platform.os}/${platform.architecture}`;
  return platform.variant === undefined ? base : `${base}/${platform.variant}`;
}
