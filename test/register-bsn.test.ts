// BSN protection end to end: after logins, registrations and an import, no BSN appears in clear in
// any table (every text, jsonb and bytea column, read as text) nor in any log line.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Bsn } from '../src/means/bsn.ts';
import { importUziRegister } from '../src/register/import.ts';
import { LOA } from '../src/means/loa.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { writeUziExport } from '../bench/register-data.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { registerRp, type TestRp } from './helpers/rp.ts';
import { login } from './helpers/login.ts';

for (const backend of BACKENDS)
  describe(`no BSN in clear (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let rp: TestRp;
    const dir = mkdtempSync(join(tmpdir(), 'dezi-bsn-'));

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db });
      rp = await registerRp(dezi.url);
    });
    after(async () => {
      await dezi?.stop();
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a run of logins, registrations and an import leaves no BSN in the database or the logs', async () => {
      const bsns: string[] = [];
      // Logins through the DigiD stand-in (the BSN travels the means' back channel).
      for (const p of SEED_PERSONS.filter((s) => s.status === 'active' && s.employments.length > 0).slice(
        0,
        3,
      )) {
        const out = await login(rp, p.bsn);
        assert.equal(out.final.status, 303, `login of ${p.achternaam}`);
        bsns.push(p.bsn);
      }
      // A failed login with a BSN the register does not know.
      await login(rp, '999990159');
      bsns.push('999990159');
      // Registrations.
      const operator = { kind: 'operator' as const, name: 'bsn-test' };
      for (const digits of ['111222333', '123456782']) {
        const p = await dezi.register.registerPerson(
          {
            bsn: Bsn.parse(digits),
            voorletters: 'R.',
            voorvoegsel: null,
            achternaam: 'Registratie',
            loaDezi: LOA.high,
          },
          operator,
        );
        await dezi.register.changeName(
          p.id,
          { voorletters: 'R.', voorvoegsel: null, achternaam: 'Hernoemd' },
          operator,
        );
        await dezi.register.findPersonByBsn(Bsn.parse(digits), operator);
        bsns.push(digits);
      }
      // An import, with a rejected row (a BSN already registered under another number).
      const file = join(dir, 'export.csv');
      const sample = await writeUziExport(file, 30, { abonneeNummer: '90000333', sampleEvery: 1 });
      appendFileSync(file, `960000001,${sample[0]!.bsn},X.,,Dubbel,,,,,,\n`);
      const summary = await importUziRegister(dezi.register, file, { actor: operator });
      assert.equal(summary.rejected, 1);
      bsns.push(...sample.map((s) => s.bsn));

      const columns = await dezi.db.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type IN ('text', 'character', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')`,
      );
      assert.ok(columns.some((c) => c.table_name === 'persons' && c.column_name === 'bsn_sealed'));
      let dump = '';
      for (const c of columns) {
        const rows = await dezi.db.query<{ v: string | null }>(
          `SELECT "${c.column_name}"::text AS v FROM "${c.table_name}"`,
        );
        dump += rows.map((r) => r.v ?? '').join('\n');
      }
      assert.ok(dump.length > 10_000, 'the dump holds the run');
      const logs = dezi.logs.text();
      assert.ok(logs.length > 1000, 'the logs hold the run');
      for (const bsn of bsns) {
        const hex = Buffer.from(bsn).toString('hex');
        const b64 = Buffer.from(bsn).toString('base64').replace(/=+$/, '');
        for (const form of [bsn, hex, b64]) {
          assert.ok(!dump.includes(form), `a BSN in the database (${form === bsn ? 'digits' : 'encoded'})`);
        }
        // In the logs the digits count standing alone: nine digits inside a longer number (a float
        // responseTime) are not a BSN.
        assert.ok(!new RegExp(`(?<!\\d)${bsn}(?!\\d)`).test(logs), 'a BSN in the logs (digits)');
        for (const form of [hex, b64]) assert.ok(!logs.includes(form), 'a BSN in the logs (encoded)');
      }
    });
  });
