// The image stage's public surface: open a reference, collect what catalogers need into a
// FileView, and the types and errors around them.
export { collectImage, type CollectOptions } from './collect.js';
export { collectRootfs, type RootfsOptions } from './rootfs.js';
export { openImage, type OpenedImage, type OpenImageOptions } from './open.js';
export { ImageFileView, type FileViewData } from './view.js';
export { ContentStore } from './content-store.js';
export { ImageError, type ImageErrorCode } from './errors.js';
export { layerRefs } from './layer-refs.js';
export { DEFAULT_LIMITS, resolveLimits, type ImageLimits } from './limits.js';
export { formatPlatform, hostPlatform, parsePlatform, selectPlatform } from './platform.js';
export { parseImageReference, type ImageReference } from './reference.js';
export type * from './types.js';
