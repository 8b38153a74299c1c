// The dossierhoudersknop and raadplegersknop: a system records the citizen's choice with its client
// assertion and the professional's verklaring; every way to get that wrong is refused, audited, and
// changes nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Actor } from '../src/audit/audit.ts';
import { Bsn } from '../src/means/bsn.ts';
import { Choices } from '../src/mitz/choices.ts';
import { Citizens } from '../src/mitz/citizens.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import type { ApiTestClient } from './helpers/api.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { mitzAssertion, mitzSystem, verklaringOf } from './helpers/mitz.ts';
import type { TestRp } from './helpers/rp.ts';

const CITIZEN = '999991048';
const OTHER_CITIZEN = '999991061';
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // huisarts at 90000111
const OPERATOR: Actor = { kind: 'operator', name: 'mitz-knoppen-test' };

for (const backend of BACKENDS) {
  describe(`Mitz knoppen (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let praktijk: ApiTestClient; // the system of Huisartsenpraktijk De Linde (90000111)
    let zuidwijk: ApiTestClient; // the system of another abonnee (90000222)
    let verklaring: string;
    withDezi(backend, { rp: true }, (f) => ({ dezi, rp } = f));

    const choices = () => new Choices(dezi.db, new Citizens(dezi.db, dezi.secrets));
    const citizenId = (bsn: string) => new Citizens(dezi.db, dezi.secrets).find(Bsn.parse(bsn));

    async function record(system: ApiTestClient | null, body: Record<string, unknown>, token?: string) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const bearer = token ?? (system ? await mitzAssertion(dezi.url, system) : null);
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      const res = await fetch(`${dezi.url}/mitz/knoppen/v1/keuzes`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        type: res.headers.get('content-type') ?? '',
        body: (await res.json()) as Record<string, unknown>,
      };
    }

    const sit001 = (o: Record<string, unknown> = {}) => ({
      knop: 'dossierhouder',
      situatie: 'SIT001',
      bsn: CITIZEN,
      zorgaanbiedertype: 'Z3',
      toestemming: true,
      verklaring,
      ...o,
    });

    async function auditCount(action: string, outcome: string) {
      const [row] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND outcome = $2',
        [action, outcome],
      );
      return row!.n;
    }

    test('set-up: two systems and a verklaring of a huisarts', async () => {
      praktijk = await mitzSystem(dezi.db, dezi.register, '90000111');
      zuidwijk = await mitzSystem(dezi.db, dezi.register, '90000222');
      verklaring = await verklaringOf(rp, JANSEN.bsn);
      assert.match(verklaring, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    test('the situations and their questions are published', async () => {
      const res = await fetch(`${dezi.url}/mitz/knoppen/v1/situaties`);
      assert.equal(res.status, 200);
      const { situaties } = (await res.json()) as {
        situaties: { situatie: string; vraag: { nl: string } }[];
      };
      assert.deepEqual(
        situaties.map((s) => s.situatie),
        ['SIT001', 'SIT002'],
      );
      assert.ok(situaties.every((s) => s.vraag.nl.endsWith('?')));
    });

    test('the dossierhoudersknop records the choice, named after the professional', async () => {
      const res = await record(praktijk, sit001());
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.gewijzigd, true);
      assert.equal(res.body.gegevenscategorie, 'GGC002');
      const id = await citizenId(CITIZEN);
      assert.ok(id);
      const [choice] = await choices().current(id);
      assert.equal(choice!.permit, true);
      assert.equal(choice!.dossierhouder, 'RPZAC001');
      assert.equal(choice!.raadpleger, 'RPZAC001');
      assert.equal(choice!.recordedBy.kind, 'professional');
      if (choice!.recordedBy.kind === 'professional') {
        assert.equal(choice!.recordedBy.deziNummer, JANSEN.deziNummer);
        assert.equal(choice!.recordedBy.abonneeNummer, '90000111');
        assert.equal(choice!.recordedBy.knop, 'dossierhouder');
        assert.equal(choice!.recordedBy.clientId, praktijk.clientId);
      }
      const [audit] = await dezi.db.query<{
        actor: string;
        client_id: string;
        abonnee_nummer: string;
        target: string;
      }>(
        `SELECT actor, client_id, abonnee_nummer, target FROM audit_events
          WHERE action = 'mitz.choice.record' AND outcome = 'success' ORDER BY id DESC LIMIT 1`,
      );
      assert.equal(audit!.actor, JANSEN.deziNummer);
      assert.equal(audit!.client_id, praktijk.clientId);
      assert.equal(audit!.abonnee_nummer, '90000111');
      assert.equal(audit!.target, `citizen:${id}`);
    });

    test('the same answer again changes nothing (200), another answer does (201)', async () => {
      const again = await record(praktijk, sit001());
      assert.equal(again.status, 200);
      assert.equal(again.body.gewijzigd, false);
      const no = await record(praktijk, sit001({ toestemming: false }));
      assert.equal(no.status, 201);
      const [choice] = await choices().current((await citizenId(CITIZEN))!);
      assert.equal(choice!.permit, false);
      const history = await choices().history((await citizenId(CITIZEN))!);
      assert.deepEqual(
        history.map((h) => h.permit),
        [false, true],
      );
    });

    test('refusals: each answered with its status, audited, and nothing recorded', async () => {
      const before = await auditCount('mitz.choice.record', 'failure');
      const cases: [
        string,
        () => Promise<{ status: number; type: string; body: Record<string, unknown> }>,
        number,
      ][] = [
        ['no assertion', () => record(null, sit001({ bsn: OTHER_CITIZEN })), 401],
        ['a garbage bearer', () => record(null, sit001({ bsn: OTHER_CITIZEN }), 'not-a-jwt'), 401],
        [
          'an assertion for the register API, not Mitz',
          async () =>
            record(
              null,
              sit001({ bsn: OTHER_CITIZEN }),
              await mitzAssertion(dezi.url, praktijk, { aud: `${dezi.url}/api/v1` }),
            ),
          401,
        ],
        [
          'another abonnee’s system with this verklaring',
          () => record(zuidwijk, sit001({ bsn: OTHER_CITIZEN })),
          403,
        ],
        [
          'a forged verklaring',
          () => record(praktijk, sit001({ bsn: OTHER_CITIZEN, verklaring: forge(verklaring) })),
          403,
        ],
        [
          'no verklaring',
          () => record(praktijk, { ...sit001({ bsn: OTHER_CITIZEN }), verklaring: undefined }),
          400,
        ],
        ['an invalid BSN', () => record(praktijk, sit001({ bsn: '123456789' })), 422],
        [
          'an unknown situation',
          () => record(praktijk, sit001({ bsn: OTHER_CITIZEN, situatie: 'SIT999' })),
          422,
        ],
        [
          'the wrong side of the situation',
          () => record(praktijk, sit001({ bsn: OTHER_CITIZEN, knop: 'raadpleger', situatie: 'SIT002' })),
          422,
        ],
        [
          'an unknown facility type',
          () => record(praktijk, sit001({ bsn: OTHER_CITIZEN, zorgaanbiedertype: 'XX' })),
          422,
        ],
        ['an extra field', () => record(praktijk, { ...sit001({ bsn: OTHER_CITIZEN }), extra: 1 }), 400],
      ];
      for (const [what, call, status] of cases) {
        const res = await call();
        assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
        assert.equal(res.type.split(';')[0], 'application/problem+json', what);
        assert.equal(typeof res.body.detail, 'string', what);
        assert.ok(!JSON.stringify(res.body).includes('at '), `${what}: no stack`);
      }
      assert.equal(await citizenId(OTHER_CITIZEN), null, 'no citizen made by a refused request');
      assert.equal(await auditCount('mitz.choice.record', 'failure'), before + cases.length);
    });

    test('a verklaring revoked since (the employment ended) is refused', async () => {
      const person = await dezi.register.findPersonByDeziNummer(JANSEN.deziNummer);
      const [employment] = await dezi.register.activeEmployments(person!.id);
      await dezi.register.endEmployment(employment!.id, OPERATOR);
      const res = await record(praktijk, sit001({ toestemming: true }));
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.match(String(res.body.detail), /not active/);
      const [choice] = await choices().current((await citizenId(CITIZEN))!);
      assert.equal(choice!.permit, false, 'the choice stands as it was');
    });

    test('no BSN in the logs or the audit trail', async () => {
      const audit = JSON.stringify(await dezi.db.query('SELECT * FROM audit_events'));
      for (const bsn of [CITIZEN, OTHER_CITIZEN]) {
        assert.ok(!audit.includes(bsn));
        assert.ok(!new RegExp(`(?<!\\d)${bsn}(?!\\d)`).test(dezi.logs.text()));
      }
    });
  });
}

/** The same verklaring with one claim changed: its signature no longer holds. */
function forge(jws: string): string {
  const [h, p, sig] = jws.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
  payload.abonnee_nummer = '90000222';
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
}
