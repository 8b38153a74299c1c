// `dezi operator add | remove | list`: who is the register's operator besides DEZI_OPERATORS. Run as an
// operator runs them, against a register the proeftuin seeded; each addition and removal is audited
// with the command's operator; an operator added this way logs in to beheer.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../src/db/database.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { beheerLogin } from './helpers/beheer.ts';
import { cliSandbox } from './helpers/cli.ts';
import { freePort, startDezi } from './helpers/dezi.ts';

const VISSER = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
const HENDRIKS = SEED_PERSONS.find((p) => p.achternaam === 'Hendriks')!;
/** Every command starts PGlite anew: seconds each on a busy machine. */
const SLOW = 300_000;

describe('dezi operator', () => {
  const { dir, dezi, deziWith } = cliSandbox('dezi-operator-cli-', {}, 120_000);
  const database = () => ({ kind: 'pglite' as const, dataDir: join(dir, 'pgdata') });
  const fails = async (run: Promise<unknown>, code: number, message: RegExp) =>
    assert.rejects(run, (err: { code: number; stderr: string }) => {
      assert.equal(err.code, code, err.stderr);
      assert.match(err.stderr, message);
      assert.doesNotMatch(err.stderr, /at .*\.ts:\d+/, 'no stack trace');
      return true;
    });

  test('add, list and remove; refusals say why; every change audited', { timeout: SLOW }, async () => {
    // The proeftuin seeds the register when Dezi first starts on the data directory.
    const seeded = await startDezi({ port: await freePort(), database: database() });
    await seeded.stop();

    assert.match(
      (await dezi('operator', 'add', VISSER.deziNummer, '--operator', 'jan')).stdout,
      /900010007 is an operator now/,
    );
    assert.match((await dezi('operator', 'add', VISSER.deziNummer)).stdout, /was an operator already/);
    await fails(dezi('operator', 'add', '12345'), 1, /a Dezi-nummer has 9 digits/);
    await fails(dezi('operator', 'add', '999999999'), 1, /no person with Dezi-nummer 999999999/);
    await fails(deziWith({ DEZI_OPERATORS: 'abc' }, 'operator', 'list'), 2, /DEZI_OPERATORS holds "abc"/);

    const list = (await deziWith({ DEZI_OPERATORS: HENDRIKS.deziNummer }, 'operator', 'list')).stdout;
    assert.match(list, new RegExp(`${VISSER.deziNummer}  L\\. Visser \\(active\\)  added \\S+ by jan`));
    assert.match(list, new RegExp(`${HENDRIKS.deziNummer}  N\\. Hendriks \\(active\\)  DEZI_OPERATORS`));

    // Added through the table, Visser logs in to beheer.
    const server = await startDezi({ port: await freePort(), database: database() });
    try {
      const { page } = await beheerLogin(server.url, VISSER.bsn);
      assert.equal(page.status, 200, page.body.slice(0, 400));
      assert.match(page.body, /<h1(?: class="[^"]*")?>Beheer<\/h1>/);
    } finally {
      await server.stop();
    }

    await fails(
      deziWith({ DEZI_OPERATORS: HENDRIKS.deziNummer }, 'operator', 'remove', HENDRIKS.deziNummer),
      1,
      /is an operator through DEZI_OPERATORS: remove it there/,
    );
    assert.match(
      (await dezi('operator', 'remove', VISSER.deziNummer, '--operator', 'jan')).stdout,
      /is no longer an operator/,
    );
    await fails(dezi('operator', 'remove', VISSER.deziNummer), 1, /is not an operator/);

    const db = await openDatabase(database());
    try {
      const rows = await db.query<{ action: string; actor: string; actor_kind: string; target: string }>(
        "SELECT action, actor, actor_kind, target FROM audit_events WHERE action LIKE 'beheer.operator.%' ORDER BY id",
      );
      assert.deepEqual(
        rows.map((r) => [r.action, r.actor, r.actor_kind, r.target]),
        [
          ['beheer.operator.add', 'operator:jan', 'operator', `person:${VISSER.deziNummer}`],
          ['beheer.operator.remove', 'operator:jan', 'operator', `person:${VISSER.deziNummer}`],
        ],
      );
    } finally {
      await db.close();
    }
  });
});
