// Mitz as the "done when" asks, through the running server only: a dossierhouder's system
// subscribes; a citizen logs in to MijnMitz and records a choice; the subscriber is notified; a
// provider's system asks the closed question with the reference message and gets the answer the
// choice gives; a professional records another choice with the dossierhoudersknop and the answer
// follows. Afterwards no BSN is in any column of any table, in the logs, or in a URL the browser saw.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import type { ApiTestClient } from './helpers/api.ts';
import { Browser } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { mitzAssertion, mitzSystem, Subscriber, verklaringOf } from './helpers/mitz.ts';
import type { TestRp } from './helpers/rp.ts';

const CITIZEN = '999991073'; // not in the register, not a proeftuin citizen
const REFERENCE = readFileSync(
  join(import.meta.dirname, '..', '..', 'shared', 'reference', 'mitz', 'example.xml'),
  'utf8',
);
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // huisarts at 90000111

/** The reference question for this citizen, asked by a GP (Z3) of a GP practice's (Z3) data. */
const question = (bsn: string, holderType = 'Z3') =>
  REFERENCE.replace('extension="900186021"', `extension="${bsn}"`).replace(
    /(healthcare-facility-type-code[\s\S]*?code=")Z3(")/,
    `$1${holderType}$2`,
  );

const xml = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true });

for (const backend of BACKENDS) {
  describe(`Mitz end to end (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let praktijk: ApiTestClient;
    const subscriber = new Subscriber();
    const browser = new Browser();
    before(() => subscriber.start());
    after(() => subscriber.stop());
    withDezi(backend, { rp: true, config: { mitz: { deliveryPollMs: 100 } } }, (f) => ({ dezi, rp } = f));

    async function ask(bsn: string, holderType?: string) {
      const res = await fetch(`${dezi.url}/mitz/geslotenautorisatievraag/xacml3`, {
        method: 'POST',
        headers: { 'content-type': 'application/soap+xml' },
        body: question(bsn, holderType),
      });
      assert.equal(res.status, 200);
      const doc = xml.parse(await res.text());
      const result =
        doc.Envelope.Body.Response?.Result ?? doc.Envelope.Body.XACMLAuthzDecisionStatement?.Response?.Result;
      return result.Decision as string;
    }

    async function notified(count: number) {
      for (let i = 0; i < 100 && subscriber.received.length < count; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(subscriber.received.length, count, 'notified');
      return xml.parse(subscriber.received.at(-1)!).Bundle;
    }

    test('the practice subscribes to the citizen; the citizen has chosen nothing yet', async () => {
      praktijk = await mitzSystem(dezi.db, dezi.register, '90000111');
      const subscription = {
        resourceType: 'Subscription',
        status: 'requested',
        reason: 'OTV',
        criteria: `Consent?_query=otv&patientid=${CITIZEN}&providerid=90000111&providertype=Z3`,
        channel: { type: 'rest-hook', endpoint: subscriber.url, payload: 'application/fhir+xml' },
      };
      const res = await fetch(`${dezi.url}/mitz/abonnementen/fhir/Subscription`, {
        method: 'POST',
        headers: {
          'content-type': 'application/fhir+json',
          authorization: `Bearer ${await mitzAssertion(dezi.url, praktijk)}`,
        },
        body: JSON.stringify(subscription),
      });
      assert.equal(res.status, 202, await res.text());
      assert.ok(!res.headers.get('location')!.includes(CITIZEN));
      assert.equal(await ask(CITIZEN), 'NotApplicable');
    });

    test('the citizen says no to everyone in MijnMitz: the practice is notified and the question is denied', async () => {
      const digid = await browser.goto(`${dezi.url}/mitz/inloggen`);
      const mijn = await browser.submit(digid, '/proeftuin/digid/authenticate', {
        bsn: CITIZEN,
        action: 'login',
      });
      assert.equal(mijn.url, `${dezi.url}/mitz/mijn`, mijn.body.slice(0, 500));
      const form = await browser.goto(`${dezi.url}/mitz/mijn/keuze`);
      const done = await browser.submit(form, '/mitz/mijn/keuze', {
        gegevenscategorie: 'GGC002',
        keuze: 'nee',
        raadpleger: '*',
        dossierhouder: '*',
      });
      assert.equal(done.status, 200, done.body.slice(0, 500));
      const bundle = await notified(1);
      const consents = [bundle.entry].flat().map((e: { resource: Record<string, unknown> }) => e.resource);
      const patient = consents.find((r) => 'Patient' in r)!.Patient as {
        identifier: { value: Record<string, string> };
      };
      assert.equal(
        patient.identifier.value['@_value'],
        CITIZEN,
        'the dossierhouder learns whose choice changed',
      );
      const denied = consents
        .filter((r) => 'Consent' in r)
        .map((r) => r.Consent as { status: Record<string, string> });
      assert.ok(denied.length > 0 && denied.every((c) => c.status['@_value'] === 'inactive'));
      assert.equal(await ask(CITIZEN), 'Deny');
    });

    test('the huisarts records a yes with the dossierhoudersknop: more specific, so it wins; the practice is notified', async () => {
      const verklaring = await verklaringOf(rp, JANSEN.bsn);
      const res = await fetch(`${dezi.url}/mitz/knoppen/v1/keuzes`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await mitzAssertion(dezi.url, praktijk)}`,
        },
        body: JSON.stringify({
          knop: 'dossierhouder',
          situatie: 'SIT001',
          bsn: CITIZEN,
          zorgaanbiedertype: 'Z3',
          toestemming: true,
          verklaring,
        }),
      });
      assert.equal(res.status, 201, await res.text());
      await notified(2);
      assert.equal(await ask(CITIZEN), 'Permit', 'a GP asking a GP practice');
      assert.equal(await ask(CITIZEN, 'V4'), 'Deny', 'a GP asking a hospital: the general no stands');
      const history = await browser.goto(`${dezi.url}/mitz/mijn/geschiedenis`);
      assert.ok(history.body.includes('Jansen'), 'the citizen sees who recorded the yes');
    });

    test('every question, change and notification is in the trail; no BSN in any table, log line or URL', async () => {
      const actions = await dezi.db.query<{ action: string; n: number }>(
        `SELECT action, count(*)::int AS n FROM audit_events WHERE action LIKE 'mitz.%' GROUP BY action`,
      );
      const count = Object.fromEntries(actions.map((a) => [a.action, a.n]));
      assert.ok(count['mitz.question']! >= 4);
      assert.ok(count['mitz.choice.record']! >= 2);
      assert.ok(count['mitz.notification']! >= 2);
      assert.ok(count['mitz.login']! >= 1);

      const columns = await dezi.db.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
          WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')`,
      );
      assert.ok(columns.some((c) => c.table_name === 'mitz_citizens'));
      let dump = '';
      for (const c of columns)
        dump += (
          await dezi.db.query<{ v: string | null }>(
            `SELECT "${c.column_name}"::text AS v FROM "${c.table_name}"`,
          )
        )
          .map((r) => r.v ?? '')
          .join('\n');
      for (const form of [
        CITIZEN,
        Buffer.from(CITIZEN).toString('hex'),
        Buffer.from(CITIZEN).toString('base64').replace(/=+$/, ''),
      ])
        assert.ok(!dump.includes(form), 'a BSN in the database');
      assert.ok(!new RegExp(`(?<!\\d)${CITIZEN}(?!\\d)`).test(dezi.logs.text()), 'a BSN in the logs');
      for (const x of browser.history) assert.ok(!x.url.includes(CITIZEN), 'a BSN in a URL');
    });
  });
}
