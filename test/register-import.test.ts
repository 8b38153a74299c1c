// The UZI-register import: counts and rejections, idempotence, resuming after a crash (in process on
// both backends; a real SIGKILL of `dezi import` on PostgreSQL), and no BSN in its reports.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { migrate } from '../src/db/migrate.ts';
import type { Database } from '../src/db/database.ts';
import { Secrets } from '../src/secrets.ts';
import { Register } from '../src/register/register.ts';
import { revokeVerklaringen } from '../src/verklaring/verklaring.ts';
import { Bsn } from '../src/means/bsn.ts';
import { importUziRegister, ImportError, UZI_EXPORT_COLUMNS } from '../src/register/import.ts';
import { parseCsvLine } from '../src/register/csv.ts';
import { verifyAuditChain, type Actor } from '../src/audit/audit.ts';
import { writeUziExport } from '../bench/register-data.ts';
import { BACKENDS, openTestDatabase, TEST_SECRET } from './helpers/dezi.ts';

const OPERATOR: Actor = { kind: 'operator', name: 'import-test' };
const ABONNEE = '33333333';
const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');

async function counts(db: Database) {
  const [r] = await db.query<{ persons: string; employments: string; dup: string }>(
    `SELECT (SELECT count(*) FROM persons) AS persons, (SELECT count(*) FROM employments) AS employments,
            (SELECT count(*) FROM (SELECT person_id, abonnee_id, rol_code, start_date FROM employments
              GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d) AS dup`,
  );
  return { persons: Number(r!.persons), employments: Number(r!.employments), duplicates: Number(r!.dup) };
}

test('CSV lines: plain, quoted with commas and doubled quotes; malformed quoting refused', () => {
  assert.deepEqual(parseCsvLine('a,,c'), ['a', '', 'c']);
  assert.deepEqual(parseCsvLine('"van, der","say ""hi""",x'), ['van, der', 'say "hi"', 'x']);
  assert.deepEqual(parseCsvLine('"",b'), ['', 'b']);
  assert.throws(() => parseCsvLine('"open,b'), /unterminated/);
  assert.throws(() => parseCsvLine('"a"b,c'), /after a quoted/);
  assert.throws(() => parseCsvLine('a"b,c'), /quote inside/);
});

for (const backend of BACKENDS) {
  describe(`UZI-register import (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let db: Database;
    let register: Register;
    const dir = mkdtempSync(join(tmpdir(), 'dezi-import-'));
    const secrets = new Secrets(TEST_SECRET);

    before(async () => {
      database = await openTestDatabase(backend);
      db = database.db;
      await migrate(db);
      register = new Register(db, secrets, { onInvalidated: revokeVerklaringen });
      await register.createAbonnee({ abonneeNummer: ABONNEE, naam: 'Importzorg', kvk: '33333333' }, OPERATOR);
    });
    after(async () => {
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('imports persons and employments; rejects bad rows by line, without the BSN', async () => {
      const file = join(dir, 'export-1.csv');
      const sample = await writeUziExport(file, 40, { abonneeNummer: ABONNEE, sampleEvery: 1 });
      const first = sample[0]!;
      const second = sample[1]!;
      appendFileSync(
        file,
        [
          `960000001,123456789,A.,,Fout,,,,,,`, // 42: not a BSN (elfproef)
          `${first.uziNummer},${second.bsn},B.,,Ander,,,,,,`, // 43: UZI-nummer with another BSN
          `960000002,${first.bsn},C.,,Tweede,,,,,,`, // 44: BSN under another Dezi-nummer
          `960000003,999990020,D.,,Onbekend,44444444,30.000,big,,2020-01-01,`, // 45: unknown abonnee
          `960000004,999990032,E.,,Rol,${ABONNEE},30.000,abonnee,,2020-01-01,`, // 46: BIG role self-declared
          `960000005,999990044,F.,"van, der",Quote,${ABONNEE},86.000,abonnee,12345678,2021-03-01,2030-01-01`, // 47: fine
          `960000006,999990056,G.,,Kort`, // 48: too few fields
          '',
        ].join('\n'),
      );
      const summary = await importUziRegister(register, file, { actor: OPERATOR, batchSize: 16 });
      assert.equal(summary.alreadyImported, false);
      assert.equal(summary.rows, 47);
      // 40 generated + 960000003 (person stored, employment refused) + 960000005
      assert.equal(summary.personsCreated, 42);
      assert.equal(summary.employmentsCreated, 11); // every fourth of 40, plus line 47
      assert.deepEqual(
        summary.rejections.map((r) => r.line),
        [42, 43, 44, 45, 46, 48],
      );
      const reasons = summary.rejections.map((r) => r.reason).join('\n');
      assert.match(reasons, /not a valid BSN/);
      assert.match(reasons, /another BSN/);
      assert.match(reasons, new RegExp(`under Dezi-nummer ${first.uziNummer}`));
      assert.match(reasons, /abonnee 44444444 is not in the register/);
      assert.match(reasons, /BIG profession/);
      for (const p of [...sample, { bsn: '999990020' }]) assert.ok(!reasons.includes(p.bsn));
      const quoted = (await register.findPersonByDeziNummer('960000005'))!;
      assert.equal(quoted.voorvoegsel, 'van, der');
      const [e] = await register.employmentsOfPerson(quoted.id);
      assert.deepEqual(
        [e!.rolCode, e!.agb, e!.startDate, e!.endDate],
        ['86.000', '12345678', '2021-03-01', '2030-01-01'],
      );
      // UZI-nummer carries over as the Dezi-nummer; the BSN finds the same person.
      assert.equal((await register.findPersonByBsn(Bsn.parse(second.bsn)))?.deziNummer, second.uziNummer);
      assert.deepEqual(await counts(db), { persons: 42, employments: 11, duplicates: 0 });
      assert.deepEqual((await verifyAuditChain(db)).problems, []);

      // Running it again changes nothing and reports the same result.
      const again = await importUziRegister(register, file, { actor: OPERATOR });
      assert.equal(again.alreadyImported, true);
      assert.deepEqual(
        { ...again, alreadyImported: false, resumedAfter: 0 },
        { ...summary, resumedAfter: 0 },
      );
      assert.deepEqual(await counts(db), { persons: 42, employments: 11, duplicates: 0 });
    });

    test('a crash mid-import: the rerun continues and ends with the same result, no duplicates', async () => {
      const before = await counts(db);
      const file = join(dir, 'export-2.csv');
      // Another export holding the same 40 persons and 40 more: a different file, so a new import.
      await writeUziExport(file, 80, { abonneeNummer: ABONNEE });
      let batches = 0;
      await assert.rejects(
        importUziRegister(register, file, {
          actor: OPERATOR,
          batchSize: 25,
          afterBatch: () => {
            if (++batches === 2) throw new Error('simulated crash');
          },
        }),
        /simulated crash/,
      );
      const mid = await counts(db);
      assert.ok(mid.persons > before.persons && mid.persons < before.persons + 40, JSON.stringify(mid));
      const resumed = await importUziRegister(register, file, { actor: OPERATOR, batchSize: 25 });
      assert.equal(resumed.resumedAfter, 50);
      assert.equal(resumed.rows, 80);
      assert.equal(resumed.personsCreated, 40);
      assert.equal(resumed.personsExisting, 40);
      assert.equal(resumed.employmentsCreated, 10, 'the first 40 persons’ employments existed already');
      assert.equal(resumed.rejected, 0);
      assert.deepEqual(await counts(db), {
        persons: before.persons + 40,
        employments: before.employments + 10,
        duplicates: 0,
      });
    });

    test('a file with a wrong header is refused before anything is written', async () => {
      const file = join(dir, 'bad-header.csv');
      writeFileSync(file, `uzi,bsn\n960000009,999990068\n`);
      const before = await counts(db);
      await assert.rejects(importUziRegister(register, file, { actor: OPERATOR }), ImportError);
      assert.deepEqual(await counts(db), before);
      const empty = join(dir, 'only-header.csv');
      writeFileSync(empty, `${UZI_EXPORT_COLUMNS.join(',')}\n`);
      const summary = await importUziRegister(register, empty, { actor: OPERATOR });
      assert.equal(summary.rows, 0);
    });

    if (backend === 'postgres') {
      test('dezi import uzi-register killed with SIGKILL: the rerun continues to the same result', async () => {
        const file = join(dir, 'export-kill.csv');
        await writeUziExport(file, 12_000, { abonneeNummer: ABONNEE });
        const env = {
          ...process.env,
          DATABASE_URL: (database.config as { url: string }).url,
          DEZI_SECRET: TEST_SECRET.toString('hex'),
          DEZI_MODE: 'production',
        };
        const before = await counts(db);
        const child = spawn(
          process.execPath,
          [MAIN, 'import', 'uzi-register', file, '--operator', 'kill-test'],
          {
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stderr = '';
        await new Promise<void>((resolve, reject) => {
          child.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk.toString();
            // Kill once a batch is committed but well before the end.
            if (/import: [1-9][0-9]?% /.test(stderr)) {
              child.kill('SIGKILL');
              resolve();
            }
          });
          child.on('exit', () => reject(new Error(`import ended before it could be killed: ${stderr}`)));
        });
        await new Promise((r) => child.once('close', r));
        const mid = await counts(db);
        assert.ok(mid.persons < before.persons + 12_000, 'the import was interrupted');
        const { stdout } = await run(process.execPath, [MAIN, 'import', 'uzi-register', file], {
          env,
          timeout: 120_000,
        });
        const summary = JSON.parse(stdout) as { rows: number; personsCreated: number; resumedAfter: number };
        assert.ok(summary.resumedAfter > 0);
        assert.equal(summary.rows, 12_000);
        assert.equal(summary.personsCreated, 12_000 - 80 /* the 80 of the earlier exports */);
        assert.deepEqual(await counts(db), {
          persons: before.persons + 12_000 - 80,
          employments: before.employments + 3000 - 20,
          duplicates: 0,
        });
      });
    }
  });
}
