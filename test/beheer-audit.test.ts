// Beheer, the audit trail: search by person (Dezi-nummer), abonnee, zorgapplicatie, action and
// period, newest first, paged; the same search as CSV (text/csv, an attachment, no cell a spreadsheet
// would run as a formula); the hash chain checked and the result shown, also when someone altered
// the trail. Searches, exports and checks are themselves audited with the operator as actor.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recordAudit } from '../src/audit/audit.ts';
import { checkAuditCriteria, csvCell } from '../src/audit/search.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser, findForm, type Exchange } from './helpers/browser.ts';
import {
  assertNoBsn,
  auditOf,
  JANSEN,
  OPERATOR,
  OPERATOR_CONFIG,
  operatorBrowser,
} from './helpers/beheer.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { login } from './helpers/login.ts';
import { registerRp, type TestRp } from './helpers/rp.ts';

const OPERATOR_ACTOR = `operator:${OPERATOR.deziNummer}`;
const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!; // 90000222

/** The result rows: [actor, action, abonnee, client, target, outcome]. */
function results(body: string): string[][] {
  const table =
    /<h2(?: class="[^"]*")? id="resultaat">[\s\S]*?<tbody(?: class="[^"]*")?>([\s\S]*?)<\/tbody>/.exec(
      body,
    )?.[1] ?? '';
  return [...table.matchAll(/<tr(?: class="[^"]*")?>([\s\S]*?)<\/tr>/g)].map(([, tr]) =>
    [...tr!.matchAll(/<td(?: class="[^"]*")?>([\s\S]*?)<\/td>/g)]
      .slice(1, 7)
      .map(([, td]) => td!.replace(/<[^>]*>/g, '').trim()),
  );
}

const today = () => new Date().toISOString().slice(0, 10);
const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe('audit search and CSV, as functions', () => {
  test('a CSV cell is quoted, and a formula is defused', () => {
    assert.equal(csvCell('gewoon'), '"gewoon"');
    assert.equal(csvCell(null), '""');
    assert.equal(csvCell('zeg "hoi"'), '"zeg ""hoi"""');
    for (const danger of ['=1+2', '+31', '-2', '@SUM(A1)', '\tx', '\rx'])
      assert.equal(csvCell(danger), `"'${danger}"`, JSON.stringify(danger));
    assert.equal(csvCell('a=b'), '"a=b"');
  });

  test('criteria are checked: forms, real dates, a period in order; empty ones left out', () => {
    assert.deepEqual(checkAuditCriteria({ person: ' 900010001 ', action: '', from: '2025-01-31' }), {
      criteria: { person: '900010001', from: '2025-01-31' },
    });
    assert.deepEqual(
      checkAuditCriteria({
        person: '12',
        abonnee: 'x',
        client: 'a b',
        action: 'Login%',
        from: '2025-02-30',
        until: '1-1-2025',
      }),
      {
        problems: {
          person: 'format',
          abonnee: 'format',
          client: 'format',
          action: 'format',
          from: 'format',
          until: 'format',
        },
      },
    );
    assert.deepEqual(checkAuditCriteria({ from: '2025-03-02', until: '2025-03-01' }), {
      problems: { until: 'order' },
    });
  });
});

for (const backend of BACKENDS)
  describe(`beheer: audit trail (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let browser: Browser;
    withDezi(backend, { config: OPERATOR_CONFIG }, async (f) => {
      dezi = f.dezi;
      rp = await registerRp(dezi.url);
      browser = await operatorBrowser(dezi.url);
      await login(rp, JANSEN.bsn);
      await login(rp, SMIT.bsn);
    });

    const search = async (fields: Record<string, string>): Promise<Exchange> =>
      browser.submit(await browser.goto(`${dezi.url}/beheer/audit`), '/beheer/audit', fields);

    test('by person: their logins and what was done about them, no one else’s', async () => {
      const page = await search({ person: JANSEN.deziNummer });
      assert.equal(page.status, 200);
      const rows = results(page.body);
      assert.ok(rows.some((r) => r[0] === JANSEN.deziNummer && r[1] === 'login' && r[3] === rp.clientId));
      assert.ok(
        rows.every(
          (r) =>
            r[0] === JANSEN.deziNummer ||
            r[0] === `operator:${JANSEN.deziNummer}` ||
            r[4] === `person:${JANSEN.deziNummer}`,
        ),
      );
      assert.ok(!rows.some((r) => r[0] === SMIT.deziNummer));
      const [audit] = await auditOf(dezi.db, 'beheer.audit.search');
      assert.equal(audit!.actor, OPERATOR_ACTOR);
      assert.equal(audit!.detail.criteria, JSON.stringify({ person: JANSEN.deziNummer }));
    });

    test('by abonnee, by zorgapplicatie (also as a link), by action and its family, by period', async () => {
      const byAbonnee = results((await search({ abonnee: '90000222' })).body);
      assert.ok(byAbonnee.some((r) => r[0] === SMIT.deziNummer && r[1] === 'login'));
      assert.ok(byAbonnee.every((r) => r[2] === '90000222' || r[4] === 'abonnee:90000222'));

      const byClient = await browser.goto(`${dezi.url}/beheer/audit?client=${rp.clientId}`);
      assert.equal(byClient.status, 200);
      assert.match(byClient.body, new RegExp(`id="client"[^>]*value="${rp.clientId}"`, 's'));
      const clientRows = results(byClient.body);
      assert.deepEqual(new Set(clientRows.map((r) => r[0])), new Set([JANSEN.deziNummer, SMIT.deziNummer]));
      assert.ok(clientRows.every((r) => r[3] === rp.clientId));

      const logins = results((await search({ action: 'login', client: rp.clientId })).body);
      assert.equal(logins.length, 2);
      const family = results((await search({ action: 'beheer' })).body);
      assert.ok(
        family.length > 0 && family.every((r) => r[1]!.startsWith('beheer.')),
        'beheer finds beheer.*',
      );
      assert.ok(!family.some((r) => r[1] === 'beheerx'));

      assert.equal(
        results((await search({ action: 'login', from: today(), until: today() })).body).length >= 2,
        true,
      );
      const yesterday = await search({ action: 'login', until: daysFromNow(-1) });
      assert.match(yesterday.body, /Niets gevonden/);
    });

    test('wrong criteria: said at the field, the input kept; a Dezi-nummer nobody has (a BSN?) not shown back', async () => {
      const wrong = await search({ abonnee: '123', from: '2025-02-30', action: 'Login' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /<title>Fout: Audittrail · Dezi<\/title>/);
      for (const id of ['abonnee', 'from', 'action'])
        assert.match(wrong.body, new RegExp(`<a(?: class="[^"]*")? href="#${id}">`), id);
      assert.match(wrong.body, /id="abonnee"[^>]*value="123"/s);
      const order = await search({ from: today(), until: daysFromNow(-2) });
      assert.equal(order.status, 400);
      assert.match(order.body, /De einddatum ligt vóór de begindatum/);

      const bsn = await search({ person: SMIT.bsn });
      assert.equal(bsn.status, 400);
      assert.match(bsn.body, /Er is geen persoon met dit Dezi-nummer/);
      assert.ok(!bsn.body.includes(SMIT.bsn));
      assertNoBsn(browser);
    });

    /** Posts the paging form that carries this cursor (before: older, after: newer). */
    async function page(from: Exchange, cursor: 'before' | 'after'): Promise<Exchange> {
      const form = [...from.body.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)].find(([, inner]) =>
        inner!.includes(`name="${cursor}"`),
      );
      assert.ok(form, `a form with ${cursor}`);
      const fields = Object.fromEntries(
        [...form[1]!.matchAll(/<input(?: class="[^"]*")? type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
          (m) => [m[1]!, m[2]!],
        ),
      );
      return browser.request(`${dezi.url}/beheer/audit`, { form: fields });
    }

    test('paged, newest first: older and newer pages', async () => {
      for (let i = 0; i < 60; i++)
        await recordAudit(dezi.db, {
          actor: 'system',
          action: 'test.paging',
          outcome: 'success',
          detail: { i },
        });
      const first = await search({ action: 'test.paging' });
      const detailOf = (page: Exchange) =>
        [...page.body.matchAll(/<code>\{&quot;i&quot;:(\d+)\}<\/code>/g)].map((m) => Number(m[1]));
      assert.deepEqual(
        detailOf(first),
        Array.from({ length: 50 }, (_, k) => 59 - k),
      );
      assert.doesNotMatch(first.body, /Nieuwere vermeldingen/);
      const older = await page(first, 'before');
      assert.deepEqual(
        detailOf(older),
        Array.from({ length: 10 }, (_, k) => 9 - k),
      );
      assert.doesNotMatch(older.body, /Oudere vermeldingen/);
      const newer = await page(older, 'after');
      assert.deepEqual(detailOf(newer), detailOf(first));
    });

    test('export as CSV: an attachment, every matching record, no formula runs', async () => {
      await recordAudit(dezi.db, {
        actor: '+31 6 cmd',
        action: 'test.csv',
        outcome: 'failure',
        target: '=HYPERLINK("http://evil.example","klik")',
        detail: { note: 'zeg "hoi"' },
      });
      const page = await search({ action: 'test.csv' });
      const { fields } = findForm(page.body, '/beheer/audit/export');
      assert.equal(fields.action, 'test.csv');
      const res = await browser.request(`${dezi.url}/beheer/audit/export`, { form: fields });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      assert.match(
        res.headers['content-disposition']!,
        /^attachment; filename="dezi-audit-\d{8}-\d{6}\.csv"$/,
      );
      // The byte order mark (fetch's text() drops it, so the bytes are read).
      const cookie = browser
        .cookies()
        .filter((c) => c.path === '/')
        .map((c) => `${c.name}=${c.value}`)
        .join('; ');
      const raw = await fetch(`${dezi.url}/beheer/audit/export`, {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.deepEqual([...Buffer.from(await raw.arrayBuffer()).subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = res.body.split('\r\n');
      assert.equal(
        lines[0],
        '"seq","at","actor","actor_kind","abonnee_nummer","action","target","client_id","outcome","detail"',
      );
      assert.equal(lines.length, 3, 'the header, one record, and the final line break');
      assert.match(
        lines[1]!,
        /^"\d*","\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00","'\+31 6 cmd","person","","test\.csv","'=HYPERLINK\(""http:\/\/evil\.example"",""klik""\)","","failure","\{""note"":""zeg \\""hoi\\""""\}"$/,
      );
      const [exported] = await auditOf(dezi.db, 'beheer.audit.export');
      assert.deepEqual(
        [exported!.actor, exported!.detail.criteria],
        [OPERATOR_ACTOR, JSON.stringify({ action: 'test.csv' })],
      );

      // Many records come out whole, in batches.
      const all = await browser.request(`${dezi.url}/beheer/audit/export`, {
        form: { ...fields, action: 'test.paging' },
      });
      assert.equal(all.body.split('\r\n').length, 62);
      // Refused criteria give the form, not a file.
      const refused = await browser.request(`${dezi.url}/beheer/audit/export`, {
        form: { ...fields, from: 'gisteren' },
      });
      assert.equal(refused.status, 400);
      assert.match(refused.headers['content-type']!, /text\/html/);
    });

    test('the hash chain checked as `dezi audit verify` does: intact, and altered after tampering', async () => {
      const page = await browser.goto(`${dezi.url}/beheer/audit`);
      const intact = await browser.submit(page, '/beheer/audit/controleren');
      assert.equal(intact.status, 200);
      assert.match(intact.body, /\d+ vermeldingen gecontroleerd; de laatste is nummer \d+\./);
      assert.match(intact.body, /De hashketen is intact\./);
      assert.match(intact.body, /Hash van de laatste vermelding: <code>[0-9a-f]{64}<\/code>/);
      const [verified] = await auditOf(dezi.db, 'beheer.audit.verify');
      assert.deepEqual(
        [verified!.actor, verified!.outcome, verified!.detail.problems],
        [OPERATOR_ACTOR, 'success', 0],
      );

      // As an attacker with database rights would: the triggers off for one transaction.
      const [victim] = await dezi.db.query<{ seq: string }>(
        "SELECT seq::text AS seq FROM audit_events WHERE action = 'test.paging' AND seq IS NOT NULL ORDER BY seq LIMIT 1",
      );
      await dezi.db.transaction(async (tx) => {
        await tx.query('SET LOCAL session_replication_role = replica');
        await tx.query(`UPDATE audit_events SET detail = '{"i": 999}' WHERE seq = $1`, [victim!.seq]);
      });
      const altered = await browser.submit(intact, '/beheer/audit/controleren');
      assert.match(altered.body, /De audittrail is gewijzigd: 1 problemen gevonden\./);
      assert.match(
        altered.body,
        new RegExp(`Vermelding ${victim!.seq} is gewijzigd nadat ze is geschreven\\.`),
      );
      assert.match(altered.body, /class="utrecht-alert utrecht-alert--error"/);
      const [failed] = await auditOf(dezi.db, 'beheer.audit.verify');
      assert.deepEqual([failed!.outcome, failed!.detail.problems], ['failure', 1]);
      assertNoBsn(browser);
    });
  });
