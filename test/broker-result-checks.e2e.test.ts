// The broker's own checks of a means' result, with a scripted means whose adapter returns what the
// test tells it to (the production adapters refuse a wrong answer themselves, as MeansErrors): a
// level below the login's minimum gets the page that says so and offers the means that reach it; an
// answer in another means' name is a failed login. Both are audited (no personal data) and counted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TransactionStore } from '../src/broker/transactions.ts';
import { LOA } from '../src/means/loa.ts';
import { MeansError, type LoginMeans, type MeansResult } from '../src/means/means.ts';
import { registry } from '../src/ops/metrics.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Bsn } from '../src/means/bsn.ts';
import { Browser } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { codeIssued, startLogin } from './helpers/login.ts';
import { DIGID, offeredMeans } from './helpers/means.ts';
import { fetchUserinfo, redeem, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const SCRIPTED = 'gescript';

async function loginCount(means: string, outcome: 'success' | 'failure'): Promise<number> {
  const metric = await registry.getSingleMetric('dezi_logins_total')!.get();
  return metric.values.find((v) => v.labels.means === means && v.labels.outcome === outcome)?.value ?? 0;
}

for (const backend of BACKENDS)
  describe(`the broker checks what a means answers (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let answer: Partial<MeansResult> = {};

    withDezi(backend, { rp: true }, async (started) => {
      ({ dezi, rp } = started);
      // Declares high, goes straight back to the callback, and answers as scripted.
      const scripted: LoginMeans = {
        id: SCRIPTED,
        displayName: { nl: 'Gescript middel', en: 'Scripted means' },
        category: 'wdo',
        loa: LOA.high,
        async start(r) {
          const back = new URL(r.callbackUrl);
          back.searchParams.set('state', r.state);
          return { redirectTo: back.href };
        },
        async finish(cb) {
          if (cb.query.state !== cb.expectedState) throw new MeansError('invalid_response', 'state');
          return {
            meansId: SCRIPTED,
            subject: { kind: 'bsn', bsn: Bsn.parse(JANSEN.bsn) },
            loaAuthn: LOA.high,
            ...answer,
          };
        },
        health: async () => true,
      };
      dezi.means.register(scripted);
    });

    async function failures(reason: string) {
      return dezi.db.query<{ actor: string | null; detail: Record<string, unknown> }>(
        `SELECT actor, detail FROM audit_events WHERE action = 'login' AND outcome = 'failure'
           AND client_id = $1 AND detail->>'reason' = $2`,
        [rp.clientId, reason],
      );
    }

    test('a result below the level: the page says which levels, offers the means that reach it, and the login goes on', async () => {
      answer = { loaAuthn: LOA.substantial };
      const counted = await loginCount(SCRIPTED, 'failure');
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      assert.ok(offeredMeans(page.body).includes(SCRIPTED));
      const refused = await browser.submit(page, '/means', { means: SCRIPTED }, rp.redirectUri);
      assert.equal(refused.status, 400);
      assert.match(refused.url, /\/uitkomst$/);
      assert.match(
        refused.body,
        /U bent met Gescript middel ingelogd op betrouwbaarheidsniveau substantieel, maar Testzorgapplicatie vraagt ten minste betrouwbaarheidsniveau hoog\./,
      );
      const offered = offeredMeans(refused.body);
      assert.deepEqual(
        offered,
        offeredMeans(page.body).filter((id) => id !== SCRIPTED),
      );
      for (const id of offered) assert.equal(dezi.means.get(id)!.loa, LOA.high, id);
      const english = await browser.request(`${refused.url}?lang=en`);
      assert.match(
        english.body,
        /You logged in with Scripted means at level of assurance substantial, but Testzorgapplicatie requires at least level of assurance high\./,
      );

      const [audit, ...more] = await failures('means_loa_too_low');
      assert.equal(more.length, 0);
      assert.equal(audit!.actor, null);
      assert.deepEqual(audit!.detail, {
        reason: 'means_loa_too_low',
        means: SCRIPTED,
        loa_authn: LOA.substantial,
        minimum_loa: LOA.high,
      });
      assert.ok(!JSON.stringify(audit).includes(JANSEN.bsn));
      assert.equal(await loginCount(SCRIPTED, 'failure'), counted + 1);
      assert.ok(!codeIssued(browser, rp.redirectUri));

      // On with DigiD, in the same login.
      const digid = await browser.submit(english, '/means', { means: DIGID }, rp.redirectUri);
      const done = await browser.submit(
        digid,
        '/proeftuin/digid/authenticate',
        { bsn: JANSEN.bsn, action: 'login' },
        rp.redirectUri,
      );
      assert.equal(done.status, 303, done.body.slice(0, 400));
      const tokens = await redeem(rp, done.location!, request);
      const info = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.verklaring.dezi_nummer, JANSEN.deziNummer);
    });

    test("an outcome joins what the login's transaction holds, but not a pending means state or an expired transaction", async () => {
      const store = new TransactionStore(dezi.db, 60);
      const failed = { kind: 'problem', problem: 'means_failed' } as const;
      // A login waiting for the choice of employment keeps it; a means round trip is over.
      await store.put('uid-waiting-0001', {
        minimumLoa: LOA.high,
        meansId: DIGID,
        meansState: 'one-time',
        personId: '00000000-0000-4000-8000-000000000001',
        loaAuthn: LOA.high,
        authenticatedWith: DIGID,
      });
      await store.setOutcome('uid-waiting-0001', LOA.high, failed);
      assert.deepEqual(await store.get('uid-waiting-0001'), {
        minimumLoa: LOA.high,
        meansId: DIGID,
        personId: '00000000-0000-4000-8000-000000000001',
        loaAuthn: LOA.high,
        authenticatedWith: DIGID,
        outcome: failed,
      });
      // None yet: made. Expired: replaced, nothing of it kept.
      await store.setOutcome('uid-new-000001', LOA.substantial, failed);
      assert.deepEqual(await store.get('uid-new-000001'), { minimumLoa: LOA.substantial, outcome: failed });
      await store.put('uid-expired-01', { minimumLoa: LOA.high, personId: 'someone', loaAuthn: LOA.high });
      await dezi.db.query(
        "UPDATE broker_transactions SET expires_at = now() - interval '1 second' WHERE interaction_uid = $1",
        ['uid-expired-01'],
      );
      await store.setOutcome('uid-expired-01', LOA.high, failed);
      assert.deepEqual(await store.get('uid-expired-01'), { minimumLoa: LOA.high, outcome: failed });
    });

    test('an answer in the name of another means: a failed login, audited as a mismatch and counted', async () => {
      answer = { meansId: DIGID };
      const counted = await loginCount(SCRIPTED, 'failure');
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const refused = await browser.submit(page, '/means', { means: SCRIPTED }, rp.redirectUri);
      assert.equal(refused.status, 400);
      assert.match(refused.body, /Inloggen is niet gelukt/);
      assert.match(refused.body, /Het inlogmiddel gaf geen geldig antwoord/);
      const [audit, ...more] = await failures('means_mismatch');
      assert.equal(more.length, 0);
      assert.equal(audit!.actor, null);
      assert.deepEqual(audit!.detail, { reason: 'means_mismatch', means: SCRIPTED });
      assert.equal(await loginCount(SCRIPTED, 'failure'), counted + 1);
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });
  });
