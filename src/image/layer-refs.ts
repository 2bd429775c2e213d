// Which layer is which: blob digest, diffId, and the build step that made it. History entries
// marked `empty_layer` (ENV, CMD, …) made no layer, so they are skipped when counting.
import type { LayerRef } from '../inventory/model.js';
import type { ResolvedImage } from './types.js';

/** One LayerRef per layer of the image, in manifest order. */
export function layerRefs(image: ResolvedImage): LayerRef[] {
  const diffIds = image.config.rootfs?.diff_ids ?? [];
  const steps = (image.config.history ?? []).filter((entry) => entry.empty_layer !== true);
  // Docker's history may be shorter than the layer list for images from old builders; then
  // steps cannot be matched reliably and are left out.
  const matched = steps.length === image.layers.length;

  return image.layers.map((layer, index) => {
    const ref: LayerRef = { index, digest: layer.digest };
    const diffId = diffIds[index];
    if (diffId !== undefined) {
      ref.diffId = diffId;
    }

    const createdBy = matched ? steps[index]?.created_by : undefined;
    if (createdBy !== undefined) {
      ref.createdBy = createdBy;
    }

    return ref;
  });
}
