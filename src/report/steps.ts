// Turns a layer's `history[].created_by` into the Dockerfile step a reader recognises:
// `/bin/sh -c #(nop)  COPY file:ab12 in /app` becomes `COPY file:ab12 in /app` and
// `RUN /bin/sh -c apt-get update # buildkit` becomes `RUN apt-get update`.
const NOP = /^\/bin\/sh -c #\(nop\)\s*/;
const SHELL = /^\/bin\/sh -c\s+/;
const BUILDKIT_RUN = /^RUN \/bin\/sh -c\s+/;
const BUILDKIT_SUFFIX = /\s*# buildkit$/;

/** The short Dockerfile step for a `created_by` string, on one line. */
export function describeStep(createdBy: string | undefined): string {
  if (createdBy === undefined) {
    return '';
  }

  const oneLine = createdBy.replace(/\s+/g, ' ').trim().replace(BUILDKIT_SUFFIX, '');
  if (NOP.test(oneLine)) {
    return oneLine.replace(NOP, '');
  }

  if (BUILDKIT_RUN.test(oneLine)) {
    return oneLine.replace(BUILDKIT_RUN, 'RUN ');
  }

  return SHELL.test(oneLine) ? oneLine.replace(SHELL, 'RUN ') : oneLine;
}
