import { beforeAll, describe, expect, it } from 'vitest';
import type { Control } from '../catalog/control.js';
import { loadCatalog } from '../catalog/load.js';
import { auditDockerfiles } from './audit.js';
import { parseDockerfile } from './parse.js';

let catalog: Map<string, Control>;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const DIGEST = `sha256:${'c'.repeat(64)}`;

const GOOD = `# syntax=docker/dockerfile:1
ARG BASE=debian:12.8@${DIGEST}
FROM \${BASE} AS build
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl=7.88.1-10 \\
 && rm -rf /var/lib/apt/lists/*
FROM gcr.io/distroless/static:nonroot@${DIGEST}
COPY --from=build /usr/bin/curl /curl
USER 65532:65532
HEALTHCHECK CMD ["/curl", "-f", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["/app"]
`;

const BAD = `FROM python
ENV DB_PASSWORD=hunter2 \\
    MODE=prod
ARG GITHUB_TOKEN
RUN apt-get update
RUN apt-get install -y curl git=1:2.39 \\
      jq
RUN <<EOT sh
pip install requests flask==3.0.0
npm install -g typescript
EOT
ADD https://example.com/tool.tgz /opt/
USER root
`;

function audit(text: string) {
  return auditDockerfiles([{ file: 'Dockerfile', text }], catalog);
}

describe('parseDockerfile', () => {
  it('groups stages, resolves ARG defaults in FROM and joins continuations', () => {
    const parsed = parseDockerfile(GOOD);
    expect(parsed.stages.map((s) => [s.base, s.name, s.line])).toEqual([
      [`debian:12.8@${DIGEST}`, 'build', 3],
      [`gcr.io/distroless/static:nonroot@${DIGEST}`, undefined, 7],
    ]);
    expect(parsed.stages[0]?.instructions[1]?.text).toMatch(/apt-get update .*rm -rf/s);
    expect(parsed.stages[1]?.instructions[1]?.flags.get('from')).toBe('build');
  });
});

describe('auditDockerfiles', () => {
  it('passes a pinned, non-root, health-checked multi-stage build', () => {
    const report = audit(GOOD);
    expect(report.findings).toEqual([]);
    expect(report.subjects).toBe(1);
  });

  it('reports each problem on its line, heredoc bodies included', () => {
    const found = audit(BAD).findings.map((f) => [f.controlId, f.line, f.message]);
    expect(found).toEqual([
      ['MOAT-IMG-003', 1, 'base image python is not pinned by digest'],
      ['MOAT-IMG-004', 1, 'base image python has no version tag'],
      ['MOAT-IMG-007', 1, 'final stage has no HEALTHCHECK'],
      ['MOAT-IMG-006', 2, 'ENV DB_PASSWORD looks like a secret'],
      ['MOAT-IMG-006', 4, 'ARG GITHUB_TOKEN looks like a secret'],
      ['MOAT-IMG-009', 5, 'package index updated without an install in the same RUN'],
      ['MOAT-IMG-005', 6, 'unpinned packages: curl, jq'],
      ['MOAT-IMG-008', 6, 'apt-get install leaves /var/lib/apt/lists behind'],
      ['MOAT-IMG-005', 8, 'unpinned packages: requests, typescript'],
      ['MOAT-IMG-002', 12, 'ADD downloads https://example.com/tool.tgz'],
      ['MOAT-IMG-001', 13, 'final stage runs as root'],
    ]);
  });

  it('never repeats a secret value in its findings', () => {
    expect(JSON.stringify(audit(BAD).findings)).not.toContain('hunter2');
  });

  it.each([
    [
      'ADD with a checksum',
      'ADD --checksum=sha256:' + 'd'.repeat(64) + ' https://x/y.tgz /y\n',
      [],
    ],
    ['apk with pins and --no-cache', 'RUN apk add --no-cache --virtual .b curl=8.5.0-r0\n', []],
    ['apk unpinned', 'RUN apk add --no-cache curl\n', ['MOAT-IMG-005']],
    ['pip from requirements', 'RUN pip install -r requirements.txt\n', []],
    [
      'apt cache mount',
      'RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y a=1\n',
      [],
    ],
    ['HEALTHCHECK NONE', 'HEALTHCHECK NONE\n', ['MOAT-IMG-007']],
  ])('judges %s', (_name, line, expected) => {
    const text = GOOD.replace('ENTRYPOINT', `${line}ENTRYPOINT`).replace(
      line.startsWith('HEALTHCHECK') ? /HEALTHCHECK CMD.*\n/ : /$^/,
      '',
    );
    expect(audit(text).findings.map((f) => f.controlId)).toEqual(expected);
  });

  it('does not ask for pins on stages built from earlier stages or scratch', () => {
    const text = `FROM alpine:3.20@${DIGEST} AS base\nFROM base AS app\nFROM scratch\nCOPY --from=app / /\nUSER 1000\nHEALTHCHECK CMD ["/x"]\n`;
    expect(audit(text).findings).toEqual([]);
  });

  it('reports a file without FROM as an input error', () => {
    const report = audit('# just a comment\nRUN echo hi\n');
    expect(report.subjects).toBe(0);
    expect(report.notes[0]).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/no FROM/),
    });
  });
});
