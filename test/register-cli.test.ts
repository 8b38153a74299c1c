// The operator's register commands, run as a beheerder runs them: dezi abonnee, person, import, audit.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../src/db/database.ts';
import { writeUziExport } from '../bench/register-data.ts';
import { cliSandbox } from './helpers/cli.ts';

/** Every command starts PGlite anew: seconds each on a busy machine. */
const SLOW = 300_000;

describe('dezi register commands', () => {
  const { dir, dezi, deziWith } = cliSandbox('dezi-register-cli-', { DEZI_MODE: 'production' }, 120_000);
  const fails = async (args: string[], code: number, message: RegExp) => {
    await assert.rejects(dezi(...args), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, code, err.stderr);
      assert.match(err.stderr, message);
      return true;
    });
  };
  let sample: { uziNummer: string; bsn: string }[] = [];

  test('abonnee add, and its refusals', { timeout: SLOW }, async () => {
    const { stdout } = await dezi(
      'abonnee',
      'add',
      '--nummer',
      '55555555',
      '--naam',
      'Zorg CLI',
      '--kvk',
      '12345678',
      '--agb',
      '01010101',
      '--operator',
      'jan',
    );
    assert.deepEqual(
      (({ abonneeNummer, naam, kvk, agb, status }) => ({ abonneeNummer, naam, kvk, agb, status }))(
        JSON.parse(stdout),
      ),
      { abonneeNummer: '55555555', naam: 'Zorg CLI', kvk: '12345678', agb: '01010101', status: 'active' },
    );
    await fails(
      ['abonnee', 'add', '--nummer', '55555555', '--naam', 'X', '--kvk', '12345678'],
      1,
      /already exists/,
    );
    await fails(
      ['abonnee', 'add', '--nummer', '55555556', '--naam', 'X'],
      2,
      /needs --nummer, --naam and --kvk/,
    );
    await fails(['abonnee', 'add', '--bogus'], 2, /Unknown option/);
    await fails(['abonnee', 'suspend', '99999999'], 1, /abonnee 99999999 not found/);
  });

  test(
    'import uzi-register prints progress lines off a terminal and a summary',
    { timeout: SLOW },
    async () => {
      const file = join(dir, 'export.csv');
      sample = await writeUziExport(file, 300, { abonneeNummer: '55555555', sampleEvery: 100 });
      const { stdout, stderr } = await dezi('import', 'uzi-register', file);
      assert.match(stderr, /^import: \d+% \(\d+ rows, \d+ rows\/s\)$/m);
      assert.match(stderr, /import: 100% \(300 rows/);
      const summary = JSON.parse(stdout);
      assert.equal(summary.personsCreated, 300);
      assert.equal(summary.employmentsCreated, 75);
      assert.equal(summary.alreadyImported, false);
      const again = JSON.parse((await dezi('import', 'uzi-register', file)).stdout);
      assert.equal(again.alreadyImported, true);
      assert.equal(again.personsCreated, 300);
    },
  );

  test(
    'person show lists name, employments and means, never the BSN; suspend and activate',
    { timeout: SLOW },
    async () => {
      const { uziNummer, bsn } = sample[0]!;
      const { stdout } = await dezi('person', 'show', uziNummer);
      const shown = JSON.parse(stdout);
      assert.equal(shown.deziNummer, uziNummer);
      assert.equal(shown.status, 'active');
      assert.equal(shown.employments[0].abonneeNummer, '55555555');
      assert.equal(shown.employments[0].rolCode, '30.000');
      assert.equal(shown.nameHistory.length, 1);
      assert.ok(!stdout.includes(bsn));
      assert.match((await dezi('person', 'suspend', uziNummer)).stdout, /suspended/);
      assert.equal(JSON.parse((await dezi('person', 'show', uziNummer)).stdout).status, 'suspended');
      assert.match((await dezi('person', 'activate', uziNummer)).stdout, /active/);
      assert.match(
        (await dezi('person', 'rename', uziNummer, '--voorletters', 'A.B.', '--achternaam', 'Nieuwnaam'))
          .stdout,
        /A\.B\. Nieuwnaam/,
      );
      const renamed = JSON.parse((await dezi('person', 'show', uziNummer)).stdout);
      assert.equal(renamed.achternaam, 'Nieuwnaam');
      assert.equal(renamed.nameHistory.length, 2);
      assert.equal(renamed.employments.length, shown.employments.length, 'a name change ends no employment');
      await fails(
        ['person', 'rename', uziNummer, '--achternaam', 'X'],
        2,
        /needs --voorletters and --achternaam/,
      );
      // The operator links a foreign eID for someone without another means to link it with.
      assert.match(
        (await dezi('person', 'link-means', uziNummer, '--means', 'eidas', '--subject', 'BE/NL/87120433598'))
          .stdout,
        new RegExp(`person ${uziNummer}: means eidas linked`),
      );
      assert.deepEqual(
        JSON.parse((await dezi('person', 'show', uziNummer)).stdout).linkedMeans.map(
          (m: { meansId: string }) => m.meansId,
        ),
        ['eidas'],
      );
      await fails(['person', 'link-means', uziNummer, '--means', 'eidas'], 2, /needs --means and --subject/);
      await fails(['person', 'show', '000000001'], 1, /person 000000001 not found/);
      await fails(['person', 'show'], 2, /expected one Dezi-nummer/);
      assert.match((await dezi('abonnee', 'suspend', '55555555')).stdout, /suspended/);
    },
  );

  test(
    'audit verify: intact, then a changed record is named and the exit status is 1',
    { timeout: SLOW },
    async () => {
      const ok = await dezi('audit', 'verify');
      assert.match(ok.stdout, /the chain is intact/);
      const db = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pgdata') });
      try {
        await db.transaction(async (tx) => {
          await tx.query('SET LOCAL session_replication_role = replica');
          await tx.query(`UPDATE audit_events SET detail = '{"rows": 1}' WHERE seq = 3`);
        });
      } finally {
        await db.close();
      }
      await fails(['audit', 'verify'], 1, /audit: record 3 was changed after it was written/);
      await fails(['audit', 'verify', 'extra'], 2, /takes no arguments/);
    },
  );

  test(
    'a malformed DEZI_BIG_REGISTER_FILE stops a register command, naming the file and the line',
    { timeout: SLOW },
    async () => {
      const file = join(dir, 'big-register.csv');
      writeFileSync(
        file,
        'dezi_nummer,big_nummer,beroep,specialismen\n900010001,19000000101,01,01.015\n900010002,19000000201,01,17.060\n',
      );
      await assert.rejects(
        deziWith({ DEZI_BIG_REGISTER_FILE: file }, 'person', 'show', '900010001'),
        (err: { code: number; stderr: string }) => {
          assert.equal(err.code, 1, err.stderr);
          assert.match(
            err.stderr,
            new RegExp(`${file} line 3: specialisme 17\\.060 does not belong to beroep 01`),
          );
          assert.doesNotMatch(err.stderr, /at .*\.ts:/, 'a message, not a stack trace');
          return true;
        },
      );
    },
  );
});
