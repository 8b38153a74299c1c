// Every way a login ends is in the audit trail, once, and counted once (NEN 7513): each refusal path
// of the broker is driven here over HTTP with a scripted means (whose adapter answers or fails as the
// test says) and the trail is read back. Then the portals' own logins: the broker hands them to the
// portal's completion, which answers the browser itself, so no "login" record, verklaring or count
// is made for the internal portal client, and no request fails on the way. The chain still verifies.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyAuditChain } from '../src/audit/audit.ts';
import { LOA } from '../src/means/loa.ts';
import { MeansError, type LoginMeans, type MeansResult } from '../src/means/means.ts';
import { registry } from '../src/ops/metrics.ts';
import { PORTAL_CLIENT_ID } from '../src/portal/login.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { Bsn } from '../src/means/bsn.ts';
import { Browser, findForm, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { codeIssued, digidLogin, startLogin } from './helpers/login.ts';
import { type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // one employment
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!; // more than one
const BOS = SEED_PERSONS.find((p) => p.achternaam === 'Bos')!; // registered, no employment
const VAN_DIJK = SEED_PERSONS.find((p) => p.achternaam === 'Dijk')!; // suspended
const SCRIPTED = 'gescript';
const NEVER = 'http://never.invalid/';

async function loginCount(means: string, outcome: 'success' | 'failure'): Promise<number> {
  const metric = await registry.getSingleMetric('dezi_logins_total')!.get();
  return metric.values.find((v) => v.labels.means === means && v.labels.outcome === outcome)?.value ?? 0;
}

/** What the scripted means does next: answer (with a BSN and a level), or fail at start or finish. */
type Script =
  | { answer: { bsn: string; loa?: string; meansId?: string } }
  | { startFails: MeansError }
  | { finishFails: MeansError }
  | { down: true };

for (const backend of BACKENDS)
  describe(`every outcome of a login is audited and counted once (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let script: Script = { answer: { bsn: JANSEN.bsn } };

    withDezi(backend, { rp: true }, async (started) => {
      ({ dezi, rp } = started);
      const scripted: LoginMeans = {
        id: SCRIPTED,
        displayName: { nl: 'Gescript middel', en: 'Scripted means' },
        category: 'wdo',
        loa: LOA.high,
        async start(r) {
          if ('startFails' in script) throw script.startFails;
          const back = new URL(r.callbackUrl);
          back.searchParams.set('state', r.state);
          return { redirectTo: back.href };
        },
        async finish(cb): Promise<MeansResult> {
          if ('finishFails' in script) throw script.finishFails;
          if (cb.query.state !== cb.expectedState) throw new MeansError('invalid_response', 'state');
          const a = 'answer' in script ? script.answer : { bsn: JANSEN.bsn };
          return {
            meansId: a.meansId ?? SCRIPTED,
            subject: { kind: 'bsn', bsn: Bsn.parse(a.bsn) },
            loaAuthn: (a.loa ?? LOA.high) as MeansResult['loaAuthn'],
          };
        },
        health: async () => !('down' in script),
      };
      dezi.means.register(scripted);
    });

    /** The login records of this client since record `id`, oldest first (ids are given at insert; `seq` only once chained). */
    async function loginRecords(since: number, clientId = rp.clientId) {
      return dezi.db.query<{ actor: string | null; outcome: string; detail: Record<string, unknown> }>(
        `SELECT actor, outcome, detail FROM audit_events
          WHERE action = 'login' AND client_id = $1 AND id > $2 ORDER BY id`,
        [clientId, since],
      );
    }

    async function head(): Promise<number> {
      const [row] = await dezi.db.query<{ id: string | null }>('SELECT max(id) AS id FROM audit_events');
      return Number(row?.id ?? 0);
    }

    /** Starts a login at the test RP, chooses the scripted means, and follows where it leads. */
    async function scriptedLogin(
      s: Script,
    ): Promise<{ browser: Browser; page: Exchange; meansPage: Exchange }> {
      script = s;
      const browser = new Browser();
      const { page: meansPage } = await startLogin(browser, rp);
      const page = await browser.submit(meansPage, '/means', { means: SCRIPTED }, rp.redirectUri);
      return { browser, page, meansPage };
    }

    /** Drives one refusal and checks its one record and one count. */
    async function refusal(
      s: Script,
      expected: { reason: string; actor?: string | null; status: number; means?: string | null },
    ) {
      const since = await head();
      const means = expected.means === undefined ? SCRIPTED : expected.means;
      const counted = await loginCount(means ?? 'none', 'failure');
      const { browser, page } = await scriptedLogin(s);
      assert.equal(page.status, expected.status, page.body.slice(0, 300));
      assert.ok(!codeIssued(browser, rp.redirectUri));
      const records = await loginRecords(since);
      assert.equal(records.length, 1, JSON.stringify(records));
      assert.equal(records[0]!.outcome, 'failure');
      assert.equal(records[0]!.detail.reason, expected.reason);
      assert.equal(records[0]!.detail.means, means);
      assert.equal(records[0]!.actor, expected.actor ?? null);
      assert.equal(await loginCount(means ?? 'none', 'failure'), counted + 1);
      return { browser, page };
    }

    test('a person without an active employment', async () => {
      const { page } = await refusal(
        { answer: { bsn: BOS.bsn } },
        { reason: 'no_employment', actor: BOS.deziNummer, status: 403 },
      );
      assert.match(page.url, /\/uitkomst$/);
      assert.match(page.body, /Geen actieve koppeling/);
    });

    test('a person the register does not know, and a suspended one', async () => {
      await refusal({ answer: { bsn: UNKNOWN_TEST_BSN } }, { reason: 'unknown_person', status: 403 });
      await refusal(
        { answer: { bsn: VAN_DIJK.bsn } },
        { reason: 'person_suspended', actor: VAN_DIJK.deziNummer, status: 403 },
      );
    });

    test('a means that fails: cancelled, an invalid answer, no answer at start or at the end, down', async () => {
      await refusal(
        { finishFails: new MeansError('cancelled', 'the person stopped') },
        {
          reason: 'means_cancelled',
          status: 400,
        },
      );
      await refusal(
        { finishFails: new MeansError('invalid_response', 'bad signature') },
        {
          reason: 'means_invalid_response',
          status: 400,
        },
      );
      // Unavailable: the page offers the other means (a step of the same login, 200).
      await refusal(
        { finishFails: new MeansError('unavailable', 'timed out') },
        {
          reason: 'means_unavailable',
          status: 200,
        },
      );
      await refusal(
        { startFails: new MeansError('unavailable', 'no answer') },
        {
          reason: 'means_unavailable',
          status: 200,
        },
      );
      dezi.means.forgetHealth(SCRIPTED);
      script = { down: true };
      // Known to be down (its health), chosen from a page that still offered it.
      const browser = new Browser();
      const { page: meansPage } = await startLogin(browser, rp);
      dezi.means.forgetHealth(SCRIPTED);
      const since = await head();
      const page = await browser.submit(meansPage, '/means', { means: SCRIPTED }, rp.redirectUri);
      assert.equal(page.status, 200);
      const records = await loginRecords(since);
      assert.deepEqual(
        records.map((r) => r.detail.reason),
        ['means_unavailable'],
      );
      script = { answer: { bsn: JANSEN.bsn } };
      dezi.means.forgetHealth(SCRIPTED);
    });

    test('a means answering too low, or as another means', async () => {
      await refusal(
        { answer: { bsn: JANSEN.bsn, loa: LOA.substantial } },
        {
          reason: 'means_loa_too_low',
          status: 400,
        },
      );
      await refusal(
        { finishFails: new MeansError('insufficient_loa', 'too low', { reached: LOA.substantial }) },
        { reason: 'means_loa_too_low', status: 400 },
      );
      await refusal(
        { answer: { bsn: JANSEN.bsn, meansId: 'digid' } },
        { reason: 'means_mismatch', status: 400 },
      );
    });

    test('a callback replayed, or for a login that never chose the means: a stale transaction', async () => {
      const { browser } = await refusal(
        { answer: { bsn: BOS.bsn } },
        { reason: 'no_employment', actor: BOS.deziNummer, status: 403 },
      );
      const callback = browser.history.find((e) => e.url.includes(`/callback/${SCRIPTED}`))!;
      const since = await head();
      const replayed = await browser.goto(callback.url, rp.redirectUri);
      assert.equal(replayed.status, 400);
      assert.match(replayed.url, /\/uitkomst$/);
      // The callback of a means id that is none: recorded without a means name from the URL.
      const uid = new URL(callback.url).pathname.split('/')[2];
      const bogus = await browser.goto(
        `${dezi.url}/interaction/${uid}/callback/geen-middel?state=x`,
        rp.redirectUri,
      );
      assert.equal(bogus.status, 400);
      const records = await loginRecords(since);
      assert.deepEqual(
        records.map((r) => [r.detail.reason, r.detail.means]),
        [
          ['means_state_missing', SCRIPTED],
          ['means_state_missing', null],
        ],
      );
    });

    test('the person cancels on a page of the broker', async () => {
      const since = await head();
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      assert.ok(findForm(page.body, '/annuleren'), 'a cancel form');
      const back = await browser.submit(page, '/annuleren', {}, rp.redirectUri);
      assert.match(back.location ?? '', /error=access_denied/);
      const records = await loginRecords(since);
      assert.deepEqual(
        records.map((r) => [r.outcome, r.detail.reason]),
        [['failure', 'cancelled']],
      );
    });

    test('a success: one record, one count, after the choice of employment', async () => {
      const since = await head();
      const counted = await loginCount(SCRIPTED, 'success');
      const { browser, page } = await scriptedLogin({ answer: { bsn: AMRANI.bsn } });
      assert.match(page.url, /\/kies$/);
      const choice = page.body.match(/name="employment"\s+id="employment-0"\s+value="([^"]+)"/)![1]!;
      await browser.submit(page, '/kies', { employment: choice }, rp.redirectUri);
      assert.ok(codeIssued(browser, rp.redirectUri));
      const records = await loginRecords(since);
      assert.equal(records.length, 1);
      assert.equal(records[0]!.outcome, 'success');
      assert.equal(records[0]!.actor, AMRANI.deziNummer);
      assert.equal(await loginCount(SCRIPTED, 'success'), counted + 1);
    });

    test('a portal login is the portal\'s: no "login" record, no verklaring, no count, no failed request', async () => {
      const since = await head();
      const verklaringen = await dezi.db.query<{ n: string }>('SELECT count(*)::text AS n FROM verklaringen');
      const counted = await loginCount('digid', 'success');
      const lines = dezi.logs.lines.length;
      const browser = new Browser();
      const meansPage = await browser.goto(`${dezi.url}/mijn-dezi/inloggen`);
      const page = await digidLogin(browser, meansPage, JANSEN.bsn, NEVER);
      assert.match(page.url, /\/mijn-dezi$/);
      assert.equal(page.status, 200);
      assert.deepEqual(await loginRecords(since, PORTAL_CLIENT_ID), []);
      const portal = await dezi.db.query<{ outcome: string }>(
        `SELECT outcome FROM audit_events WHERE action = 'portal.login' AND id > $1`,
        [since],
      );
      assert.deepEqual(
        portal.map((r) => r.outcome),
        ['success'],
      );
      assert.deepEqual(
        await dezi.db.query<{ n: string }>('SELECT count(*)::text AS n FROM verklaringen'),
        verklaringen,
      );
      assert.equal(await loginCount('digid', 'success'), counted);
      const after = dezi.logs.lines.slice(lines).map((l) => JSON.parse(l) as { level: number; msg: string });
      assert.deepEqual(
        after.filter((l) => l.level >= 40).map((l) => l.msg),
        [],
      );
    });

    test('the audit chain still verifies', async () => {
      const verification = await verifyAuditChain(dezi.db);
      assert.deepEqual(verification.problems, []);
      assert.ok(verification.records > 0);
    });
  });
