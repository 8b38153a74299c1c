// The operator's fee commands as an operator runs them: `dezi invoices run` for a period that has
// ended (again: nothing new), `pay` with its refusals, `list`, `show`, `remind`, and a tariff file
// that is wrong stops the command with what is wrong in it. The proeftuin's example tariff applies.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../src/db/database.ts';
import { Fees } from '../src/register/fees.ts';
import { cliSandbox } from './helpers/cli.ts';
import { backdate, inside, monthsAgo } from './helpers/fees.ts';

/** Every command starts PGlite anew: seconds each, more on a busy machine. */
const SLOW = 600_000;

describe('dezi invoices', () => {
  const cli = cliSandbox('dezi-invoices-', {}, 120_000);
  const P = monthsAgo(2);
  const today = Fees.today();
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('the command succeeded'),
      (err: { code: number; stderr: string }) => err,
    );

  test(
    'run makes the invoice of a period that has ended, once; pay, list, show and remind',
    { timeout: SLOW },
    async () => {
      await cli.dezi('abonnee', 'add', '--nummer', '91000002', '--naam', 'Praktijk CLI', '--kvk', '59100002');
      // The register stamps the registration now; move it into a period that has ended.
      const db = await openDatabase({ kind: 'pglite', dataDir: join(cli.dir, 'pgdata') });
      try {
        await backdate(db, '91000002', inside(P));
      } finally {
        await db.close();
      }

      const current = await failure(cli.dezi('invoices', 'run', '--period', today.slice(0, 7)));
      assert.equal(current.code, 1);
      assert.match(current.stderr, /has not ended yet/);

      const run = await cli.dezi('invoices', 'run', '--period', P.label, '--operator', 'boekhouding');
      const number = /(DEZI-[0-9]{4}-000001)\s+91000002\s+€\s255,00\s+\(1 line\(s\)\)/.exec(run.stdout)?.[1];
      assert.ok(number, run.stdout);
      assert.match(
        run.stdout,
        new RegExp(`period ${P.label} \\(${P.start} to ${P.end}\\): 1 invoice\\(s\\) made on ${today}`),
      );
      const again = await cli.dezi('invoices', 'run', '--period', P.label);
      assert.match(again.stdout, /0 invoice\(s\) made/);
      assert.doesNotMatch(again.stdout, /DEZI-/);

      const tooMuch = await failure(cli.dezi('invoices', 'pay', number, '--amount', '300', '--date', today));
      assert.equal(tooMuch.code, 1);
      assert.match(tooMuch.stderr, /more than what is outstanding on DEZI-[0-9]{4}-000001 \(€\s255,00\)/);

      const part = await cli.dezi('invoices', 'pay', number, '--amount', '100,00', '--date', today);
      assert.match(part.stdout, /paid €\s100,00 {2}due [0-9-]+ {2}open/);
      const rest = await cli.dezi('invoices', 'pay', number, '--amount', '155.00', '--date', today);
      assert.match(rest.stdout, /paid €\s255,00 .* {2}paid/);

      const listed = await cli.dezi('invoices', 'list', '--status', 'paid', '--abonnee', '91000002');
      assert.match(listed.stdout, new RegExp(`${number} {2}91000002 {2}${P.label}`));

      const shown = JSON.parse((await cli.dezi('invoices', 'show', number)).stdout);
      assert.deepEqual(
        [shown.status, shown.totalCents, shown.lines.length, shown.lines[0].item, shown.payments.length],
        ['paid', 25500, 1, 'abonnee-registration', 2],
      );
      assert.match((await cli.dezi('invoices', 'remind')).stdout, /no reminders due/);

      // Every step is in the audit trail with the operator as actor.
      const audit = await openDatabase({ kind: 'pglite', dataDir: join(cli.dir, 'pgdata') });
      try {
        const rows = await audit.query<{ action: string; actor: string }>(
          "SELECT action, actor FROM audit_events WHERE action LIKE 'fees.%' ORDER BY id",
        );
        assert.deepEqual(
          rows.map((r) => r.action),
          ['fees.invoice.create', 'fees.run', 'fees.run', 'fees.invoice.payment', 'fees.invoice.payment'],
        );
        assert.equal(rows[0]!.actor, 'operator:boekhouding');
      } finally {
        await audit.close();
      }
    },
  );

  test(
    'a wrong DEZI_TARIFF_FILE stops the command and says what is wrong in it',
    { timeout: SLOW },
    async () => {
      const file = join(cli.dir, 'tarieven.json');
      writeFileSync(
        file,
        JSON.stringify({
          fees: [{ item: 'employment-registration', amountCents: 85.5, validFrom: '2026-01-01' }],
        }),
      );
      const err = await failure(cli.deziWith({ DEZI_TARIFF_FILE: file }, 'invoices', 'list'));
      assert.equal(err.code, 2);
      assert.match(
        err.stderr,
        /DEZI_TARIFF_FILE: tariff file .*tarieven\.json: fees\[0\]\.amountCents must be a whole number of euro cents/,
      );
      const missing = await failure(
        cli.deziWith({ DEZI_TARIFF_FILE: join(cli.dir, 'nope.json') }, 'invoices', 'list'),
      );
      assert.match(missing.stderr, /cannot read it \(ENOENT\)/);
    },
  );
});
