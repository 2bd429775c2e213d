import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, skipReason } from '../../../testing/requirements.js';
import { catalogFiles } from '../../catalog.js';
import { osDetector } from '../../os.js';
import { buildView } from '../../test-view.js';
import { rpmCataloger } from './cataloger.js';
import { parseSourceRpm } from './package.js';

const SPEC = (name: string, extra: string) => `Name: ${name}
Version: 1.2.3
Release: 4.el9
${extra}
Summary: test package
License: MIT AND Apache-2.0
BuildArch: noarch
%description
test package
%files
`;

function run(cmd: string, args: string[], cwd: string): void {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${cmd} failed: ${result.stderr}`);
  }
}

const OS_RELEASE = 'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n';

const noRpm = skipReason('rpm cataloger', { tools: ['rpm', 'rpmbuild'] });

describe.skipIf(noRpm)('rpm cataloger', () => {
  let dir = '';
  let cleanup = async () => {};
  let rpmdb = Buffer.alloc(0);

  // Builds two packages with rpmbuild and records them in a fresh sqlite rpm database.
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('rpmdb'));
    const defines = ['--define', `_topdir ${dir}/top`, '--define', '_db_backend sqlite'];
    writeFileSync(join(dir, 'a.spec'), SPEC('moat-hello', 'Epoch: 2'));
    writeFileSync(join(dir, 'b.spec'), SPEC('moat-lib', ''));
    run('rpmbuild', ['-bb', ...defines, 'a.spec'], dir);
    run('rpmbuild', ['-bb', ...defines, 'b.spec'], dir);
    const rpms = ['moat-hello-1.2.3-4.el9.noarch.rpm', 'moat-lib-1.2.3-4.el9.noarch.rpm'];
    run('rpm', ['-i', '--justdb', '--nodeps', '--noscripts', '--dbpath', join(dir, 'db'),
      ...defines, ...rpms.map((f) => join(dir, 'top/RPMS/noarch', f))], dir);
    rpmdb = readFileSync(join(dir, 'db', 'rpmdb.sqlite'));
  }, 120_000);

  afterAll(() => cleanup());

  // The header blobs rpm stored, straight from its sqlite database.
  const storedBlobs = (): Buffer[] => {
    const db = new Database(Buffer.from(rpmdb.map((b, i) => (i === 18 || i === 19 ? 1 : b))));
    const query = db.prepare('SELECT blob FROM Packages ORDER BY hnum');
    const rows = query.all() as Array<{ blob: Buffer }>;
    db.close();
    return rows.map((row) => row.blob);
  };

  it.skipIf(skipReason('Berkeley DB rpm database', { tools: ['db5.3_load'] }))(
    'reads the same packages from a Berkeley DB Packages file',
    async () => {
      // db_load's bytevalue dump: hex key and value lines, as db_dump writes them.
      const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', 'HEADER=END'];
      storedBlobs().forEach((blob, i) => {
        const key = Buffer.alloc(4);
        key.writeUInt32LE(i + 1);
        lines.push(` ${key.toString('hex')}`, ` ${blob.toString('hex')}`);
      });
      writeFileSync(join(dir, 'dump.txt'), `${[...lines, 'DATA=END'].join('\n')}\n`);
      run('db5.3_load', ['-f', 'dump.txt', 'Packages'], dir);
      const bdb = readFileSync(join(dir, 'Packages'));

      const view = buildView({ '/var/lib/rpm/Packages': { content: bdb } }, [rpmCataloger]);
      const { packages, warnings } = await rpmCataloger.catalog(view, {});

      expect(warnings).toEqual([]);
      expect(packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
        'moat-hello@2:1.2.3-4.el9',
        'moat-lib@1.2.3-4.el9',
      ]);

      // Break the first overflow page: that package is skipped with a warning.
      const pageSize = bdb.readUInt32LE(20);
      const broken = Buffer.from(bdb);
      for (let p = 1; p * pageSize < broken.length; p++) {
        if (broken[p * pageSize + 25] === 7) {
          broken[p * pageSize + 25] = 0;
          break;
        }
      }

      const files = { '/var/lib/rpm/Packages': { content: broken } };
      const result = await rpmCataloger.catalog(buildView(files, [rpmCataloger]), {});
      expect(result.packages).toHaveLength(1);
      expect(result.warnings).toMatchObject([{ code: 'RPM_DB_CORRUPT_ENTRY' }]);
    },
  );

  it('reads packages from a real sqlite rpm database', async () => {
    const view = buildView(
      { '/var/lib/rpm/rpmdb.sqlite': { content: rpmdb }, '/etc/os-release': OS_RELEASE },
      [rpmCataloger, osDetector],
    );
    const { packages, warnings } = await catalogFiles(view, [rpmCataloger], osDetector);

    expect(warnings).toEqual([]);
    expect(packages).toMatchObject([
      {
        name: 'moat-hello',
        version: '2:1.2.3-4.el9',
        ecosystem: 'Rocky Linux',
        purl: 'pkg:rpm/rocky/moat-hello@1.2.3-4.el9?arch=noarch&distro=rocky-9.3&epoch=2',
        source: { name: 'moat-hello', version: '1.2.3-4.el9' },
        licenses: ['MIT AND Apache-2.0'],
        locations: [{ path: '/var/lib/rpm/rpmdb.sqlite' }],
      },
      { name: 'moat-lib', version: '1.2.3-4.el9' },
    ]);
  });

  it('skips a corrupt header blob with a warning and keeps the good one', async () => {
    const blob = storedBlobs()[0] ?? Buffer.alloc(0);
    const path = join(dir, 'mixed.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO Packages (hnum, blob) VALUES (?, ?)');
    insert.run(1, blob.subarray(0, blob.length - 100));
    insert.run(2, blob);
    db.close();

    const files = { '/usr/lib/sysimage/rpm/rpmdb.sqlite': { content: { host: path } } };
    const view = buildView(files, [rpmCataloger]);
    const { packages, warnings } = await rpmCataloger.catalog(view, {});

    expect(packages.map((p) => p.name)).toEqual([expect.stringMatching(/^moat-(hello|lib)$/)]);
    expect(warnings).toMatchObject([
      { code: 'RPM_HEADER_CORRUPT', path: '/usr/lib/sysimage/rpm/rpmdb.sqlite' },
    ]);
  });
});

describe('rpm cataloger with unreadable databases', () => {
  const emptySqlite = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(200)]);
  const berkeleyHash = Buffer.from('00000000000000000000000061150600', 'hex');

  it.each([
    ['/var/lib/rpm/rpmdb.sqlite', 'RPM_DB_INVALID', Buffer.from('not a database at all')],
    ['/var/lib/rpm/rpmdb.sqlite', 'RPM_DB_INVALID', emptySqlite],
    ['/var/lib/rpm/Packages', 'RPM_DB_INVALID', berkeleyHash],
    ['/var/lib/rpm/Packages', 'RPM_DB_INVALID', Buffer.alloc(8192, 0x11)],
    ['/usr/lib/sysimage/rpm/Packages.db', 'RPM_DB_UNSUPPORTED', Buffer.from('RpmP')],
  ])('warns about %s (%s)', async (path, code, content) => {
    const view = buildView({ [path]: { content } }, [rpmCataloger]);
    const { packages, warnings } = await rpmCataloger.catalog(view, {});

    expect(packages).toEqual([]);
    expect(warnings).toMatchObject([{ code, path }]);
  });
});

describe('parseSourceRpm', () => {
  it.each([
    ['openssl-3.0.7-24.el9.src.rpm', { name: 'openssl', version: '3.0.7-24.el9' }],
    ['python3.11-3.11.5-1.el9.nosrc.rpm', { name: 'python3.11', version: '3.11.5-1.el9' }],
    ['garbage', undefined],
  ])('parses %s', (file, expected) => {
    expect(parseSourceRpm(file)).toEqual(expected);
  });
});
