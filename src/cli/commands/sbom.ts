// `moat sbom [IMAGE]`: list every package in an image, or in this machine's root filesystem
// when no image is named, as a table, Moat JSON, CycloneDX 1.6 or SPDX 2.3.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { ImageLimits } from '../../image/limits.js';
import type { Platform } from '../../image/types.js';
import { buildInventory } from '../../pipeline/inventory.js';
import { formatInventory, INVENTORY_FORMATS, type InventoryFormat } from '../../report/index.js';
import { type CliIo, wantsColour, writeResult } from '../io.js';
import { oneOf, parseCount, parsePlatformOption, parseSize } from '../options.js';
import { createProgress } from '../progress.js';
import { toolVersion } from '../version.js';

interface SbomFlags {
  format: InventoryFormat;
  output?: string;
  platform?: Platform;
  insecure?: boolean;
  authfile?: string;
  maxLayerSize?: number;
  maxImageSize?: number;
  maxEntries?: number;
  progress: boolean;
}

const EXAMPLES = `
Images:
  oci:DIR[:TAG]              an OCI image layout
  oci-archive:FILE[:TAG]     a tar of an OCI image layout
  docker-archive:FILE        \`docker save\` output
  dir:PATH                   a root filesystem (default: dir:/, this machine)
  [docker://]HOST/REPO:TAG   a registry image (also @sha256:…)

Examples:
  $ moat sbom                                          # this machine's packages
  $ moat sbom docker://registry.example/payments/ledger:1.4 --format cyclonedx -o ledger.cdx.json
  $ moat sbom oci:./layout:latest --format json | jq '.packages | length'
  $ moat sbom 127.0.0.1:5000/app:1 --platform linux/arm64 --format spdx
`;

export function register(program: Command, io: CliIo): void {
  program
    .command('sbom')
    .description('list every OS and language package in an image, with the layer that added it')
    .argument('[image]', 'image reference (see below)', 'dir:/')
    .option('-f, --format <format>', `output format: ${INVENTORY_FORMATS.join(', ')}`,
      oneOf(INVENTORY_FORMATS), 'table')
    .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-arch image',
      parsePlatformOption)
    .option('--insecure', 'allow plain HTTP to registries that are not on loopback')
    .option('--authfile <file>', 'registry credentials (containers auth.json or Docker config)')
    .option('--max-layer-size <size>', 'refuse layers larger than this uncompressed', parseSize)
    .option('--max-image-size <size>', 'refuse images larger than this uncompressed', parseSize)
    .option('--max-entries <count>', 'refuse images with more files than this', parseCount)
    .option('--no-progress', 'do not draw a progress bar on the terminal')
    .addHelpText('after', EXAMPLES)
    .action((image: string, flags: SbomFlags) => runSbom(io, image, flags));
}

async function runSbom(io: CliIo, image: string, flags: SbomFlags): Promise<void> {
  const progress = flags.progress ? createProgress(io, { label: `reading ${image}` }) : undefined;
  const started = Date.now();
  let inventory;
  try {
    inventory = await buildInventory(image, {
      platform: flags.platform,
      insecure: flags.insecure,
      authFile: flags.authfile,
      env: io.env,
      limits: limitsFrom(flags),
      onProgress: progress === undefined ? undefined : (p) => progress.update(p),
      // Query strings of storage redirects can carry signatures: log the path only.
      onRetry: (info) => io.log.warn({ ...info, url: info.url.split('?')[0] }, 'registry retry'),
    });
  } finally {
    progress?.done();
  }

  for (const warning of inventory.warnings) {
    io.log.warn({ code: warning.code, path: warning.path }, warning.message);
  }

  io.log.info({ image, packages: inventory.packages.length, ms: Date.now() - started },
    'inventory finished');
  const toFile = flags.output !== undefined && flags.output !== '-';
  const text = formatInventory(inventory, flags.format, {
    colour: !toFile && wantsColour(io),
    columns: !toFile && io.stdout.isTTY === true ? io.stdout.columns : undefined,
    now: new Date(),
    toolVersion: toolVersion(),
    uuid: randomUUID(),
  });
  await writeResult(io, text, flags.output);
}

function limitsFrom(flags: SbomFlags): Partial<ImageLimits> {
  const limits: Partial<ImageLimits> = {};
  if (flags.maxLayerSize !== undefined) limits.maxLayerBytes = flags.maxLayerSize;
  if (flags.maxImageSize !== undefined) limits.maxImageBytes = flags.maxImageSize;
  if (flags.maxEntries !== undefined) limits.maxEntries = flags.maxEntries;
  return limits;
}
