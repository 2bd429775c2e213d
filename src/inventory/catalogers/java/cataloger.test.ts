import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, skipReason } from '../../../testing/requirements.js';
import { buildView, filesFromHostDir } from '../../test-view.js';
import { catalogArchive } from './archive.js';
import { javaArchiveCataloger } from './cataloger.js';

const JAVA = '/usr/share/java';

describe.skipIf(!existsSync(`${JAVA}/guava.jar`))('java cataloger on Debian jars', () => {
  it('identifies jars by pom.properties, manifest and file name', async () => {
    const keep = (rel: string) => !rel.includes('/') && rel.endsWith('.jar');
    const view = buildView(filesFromHostDir(JAVA, JAVA, keep), [javaArchiveCataloger]);
    const { packages, warnings } = await javaArchiveCataloger.catalog(view, {});
    const at = (file: string) =>
      packages.filter((p) => p.locations[0]?.path === `${JAVA}/${file}`);

    expect(warnings).toEqual([]);
    expect(at('guava.jar')).toMatchObject([
      {
        name: 'com.google.guava:guava',
        version: '31.1-jre',
        ecosystem: 'Maven',
        purl: 'pkg:maven/com.google.guava/guava@31.1-jre',
        metadata: { evidence: 'pom.properties', groupId: 'com.google.guava', artifactId: 'guava' },
      },
    ]);
    expect(at('commons-io.jar')).toMatchObject([
      { name: 'commons-io:commons-io', version: '2.11.0' },
    ]);
    expect(at('guice-no-aop-4.2.3.jar')).toMatchObject([
      { name: 'guice-no-aop', version: '4.2.3', metadata: { evidence: 'manifest' } },
    ]);
    expect(at('aopalliance-1.0.jar')).toMatchObject([
      {
        name: 'aopalliance',
        version: '1.0',
        purl: 'pkg:maven/aopalliance/aopalliance@1.0',
        metadata: { evidence: 'filename', purlGroupGuessed: 'true' },
      },
    ]);
  });
});

const noZip = skipReason('java nested archives', { tools: ['zip'] });

const noJars = !existsSync(`${JAVA}/guava.jar`);

describe.skipIf(noZip || noJars)('java cataloger on nested archives', () => {
  let dir = '';
  let cleanup = async () => {};
  const zip = (cwd: string, out: string, ...members: string[]) => {
    const result = spawnSync('zip', ['-q', '-r', out, ...members], { cwd, encoding: 'utf8' });
    expect(result.stderr).toBe('');
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('java'));
    mkdirSync(join(dir, 'war/WEB-INF/lib'), { recursive: true });
    copyFileSync(`${JAVA}/guava.jar`, join(dir, 'war/WEB-INF/lib/guava.jar'));
    copyFileSync(`${JAVA}/commons-io.jar`, join(dir, 'war/WEB-INF/lib/commons-io.jar'));
    writeFileSync(join(dir, 'war/WEB-INF/web.xml'), '<web-app/>\n');
    zip(join(dir, 'war'), join(dir, 'app.war'), 'WEB-INF');
    mkdirSync(join(dir, 'ear'));
    copyFileSync(join(dir, 'app.war'), join(dir, 'ear/app.war'));
    zip(join(dir, 'ear'), join(dir, 'app.ear'), 'app.war');
    mkdirSync(join(dir, 'bomb'));
    writeFileSync(join(dir, 'bomb/zeros.jar'), Buffer.alloc(8 * 1024 * 1024));
    zip(join(dir, 'bomb'), join(dir, 'bomb.war'), 'zeros.jar');
  });

  afterAll(() => cleanup());

  it('finds the jars inside a war with outer:inner locations', async () => {
    const files = { '/srv/app.war': { content: { host: join(dir, 'app.war') } } };
    const view = buildView(files, [javaArchiveCataloger]);
    const { packages, warnings } = await javaArchiveCataloger.catalog(view, {});

    expect(warnings).toEqual([]);
    expect(packages.map((p) => [p.name, p.locations[0]?.path]).sort()).toEqual([
      ['com.google.guava:guava', '/srv/app.war:WEB-INF/lib/guava.jar'],
      ['commons-io:commons-io', '/srv/app.war:WEB-INF/lib/commons-io.jar'],
    ]);
  });

  it('warns about archives nested deeper than the limit', async () => {
    const limits = { maxDepth: 1, maxEntries: 1000, maxMemberBytes: 64 * 1024 * 1024 };
    const result = await catalogArchive(readFileSync(join(dir, 'app.ear')), '/app.ear', limits);

    expect(result.packages).toEqual([]);
    expect(result.warnings.map((w) => [w.code, w.path]).sort()).toEqual([
      ['JAVA_ARCHIVE_TOO_DEEP', '/app.ear:app.war:WEB-INF/lib/commons-io.jar'],
      ['JAVA_ARCHIVE_TOO_DEEP', '/app.ear:app.war:WEB-INF/lib/guava.jar'],
    ]);
  });

  it('refuses a member that decompresses past the limits (zip bomb)', async () => {
    const bomb = readFileSync(join(dir, 'bomb.war'));
    const limits = { maxDepth: 4, maxEntries: 1000, maxMemberBytes: 1024 * 1024 };
    const bySize = await catalogArchive(bomb, '/bomb.war', limits);
    const byBudget = await catalogArchive(bomb, '/bomb.war', undefined, 1024 * 1024);

    expect(bySize.warnings).toMatchObject([{ code: 'JAVA_ARCHIVE_LIMIT', path: '/bomb.war' }]);
    expect(byBudget.warnings).toMatchObject([{ code: 'JAVA_ARCHIVE_LIMIT', path: '/bomb.war' }]);
    expect(bomb.length).toBeLessThan(64 * 1024);
  });

  it.each([
    ['random bytes', () => Buffer.from('this is not a zip file at all')],
    ['a truncated zip', () => readFileSync(join(dir, 'app.war')).subarray(0, 5000)],
    ['a zip with corrupt member data', () => corruptMember(readFileSync(join(dir, 'app.war')))],
  ])('warns about %s and keeps going', async (_name, make) => {
    const files = {
      '/a/bad.jar': { content: make() },
      '/a/good.war': { content: { host: join(dir, 'app.war') } },
    };
    const view = buildView(files, [javaArchiveCataloger]);
    const { packages, warnings } = await javaArchiveCataloger.catalog(view, {});

    expect(warnings[0]).toMatchObject({ code: 'JAVA_ARCHIVE_INVALID' });
    expect(packages.filter((p) => p.locations[0]?.path.startsWith('/a/good.war:'))).toHaveLength(2);
  });
});

// Flips bytes in the middle of the first nested jar's compressed data.
function corruptMember(war: Buffer): Buffer {
  const copy = Buffer.from(war);
  for (let i = 2000; i < 2400; i++) {
    copy[i] = (copy[i] ?? 0) ^ 0x5a;
  }

  return copy;
}
