// The REST API for mandates and role declarations: an abonnee's system lists, reads and ends the
// mandates within its abonnee and confirms or refuses its staff's role declarations; another
// abonnee's are not found (404, audited, nothing changes); the operator's client is refused (403);
// the OpenAPI document describes the endpoints.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Person } from '../src/register/register.ts';
import { apiKeys, as, operatorClient, type ApiTestClient } from './helpers/api.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { login } from './helpers/login.ts';
import { auditOf, enrolColleague, freshBsns, inYears, OPERATOR, seed, statusOf } from './helpers/mandates.ts';
import { fetchUserinfo, redeem, type TestRp } from './helpers/rp.ts';

const JANSEN = seed('Jansen');
const DE_LINDE = '90000111';

for (const backend of BACKENDS)
  describe(`mandates and role declarations in the REST API (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let operator: ApiTestClient;
    let linde: ApiTestClient;
    let zuidwijk: ApiTestClient;
    withDezi(backend, { rp: true }, async (f) => {
      ({ dezi, rp } = f);
      operator = await operatorClient(dezi.db);
      const client = async (abonneeNummer: string) => {
        const { privateKey, jwks } = await apiKeys();
        const res = await as(dezi.url, operator)('POST', `/abonnees/${abonneeNummer}/api-clients`, {
          name: `system of ${abonneeNummer}`,
          jwks,
        });
        assert.equal(res.status, 201);
        return { clientId: String(res.body.clientId), privateKey };
      };
      linde = await client(DE_LINDE);
      zuidwijk = await client('90000222');
    });
    const bsns = freshBsns(999994000);

    async function acceptedMandate(mandatee: Person) {
      const jansen = (await dezi.register.findPersonByDeziNummer(JANSEN.deziNummer))!;
      const [employment] = await dezi.register.activeEmployments(jansen.id);
      const m = await dezi.register.mandates.give(
        {
          mandatorPersonId: jansen.id,
          mandatorEmploymentId: employment!.id,
          mandateeDeziNummer: mandatee.deziNummer,
          endDate: inYears(1),
        },
        OPERATOR,
      );
      return dezi.register.mandates.accept(m.id, mandatee.id, OPERATOR);
    }

    test('mandates: listed, read and ended by their abonnee; another abonnee gets 404 and changes nothing', async () => {
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Api', DE_LINDE);
      const m = await acceptedMandate(colleague.person);
      const out = await login(rp, colleague.bsn, { choose: (v) => v.find((x) => x.startsWith('mandaat:'))! });
      const tokens = await redeem(rp, out.final.location!, out.request);
      const { verklaring } = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);

      const list = await as(dezi.url, linde)('GET', '/mandates');
      assert.equal(list.status, 200);
      const item = list.body.items!.find((i) => i.id === m.id)!;
      assert.deepEqual(item, {
        id: m.id,
        abonneeNummer: DE_LINDE,
        mandator: { deziNummer: JANSEN.deziNummer, naam: 'J. Jansen' },
        mandatorRolCode: '01.015',
        mandatee: { deziNummer: colleague.person.deziNummer, naam: 'T. Api' },
        startDate: m.startDate,
        endDate: m.endDate,
        clientIds: [],
        status: 'accepted',
        createdAt: m.createdAt.toISOString(),
        decidedAt: m.decidedAt!.toISOString(),
        endedAt: null,
      });
      assert.deepEqual((await as(dezi.url, linde)('GET', `/mandates/${m.id}`)).body, item);

      // Another abonnee: not in its list, not found by id, cannot end it.
      const theirs = await as(dezi.url, zuidwijk)('GET', '/mandates');
      assert.ok(!theirs.body.items!.some((i) => i.id === m.id));
      const read = await as(dezi.url, zuidwijk)('GET', `/mandates/${m.id}`);
      assert.equal(read.status, 404);
      assert.equal(read.type, 'application/problem+json');
      const end = await as(dezi.url, zuidwijk)('POST', `/mandates/${m.id}/end`);
      assert.equal(end.status, 404);
      assert.equal((await dezi.register.mandates.get(m.id))!.status, 'accepted');
      assert.equal(await statusOf(verklaring.status_uri), 'actief');
      const denied = await dezi.db.query<{ actor: string; detail: Record<string, unknown> }>(
        "SELECT actor, detail FROM audit_events WHERE action = 'api.endMandate' AND outcome = 'failure'",
      );
      assert.ok(denied.some((r) => r.actor === 'system' && r.detail.reason === 'not_found'));

      // Its own abonnee ends it: the verklaring under it is revoked at once; a second end conflicts.
      const ended = await as(dezi.url, linde)('POST', `/mandates/${m.id}/end`);
      assert.equal(ended.status, 200, JSON.stringify(ended.body));
      assert.equal(ended.body.status, 'ended');
      assert.equal(await statusOf(verklaring.status_uri), 'ingetrokken');
      const twice = await as(dezi.url, linde)('POST', `/mandates/${m.id}/end`, {});
      assert.equal(twice.status, 409);
      assert.equal(twice.body.type, 'https://dezi.nl/problems/conflict');
      const [record] = await auditOf(dezi.db, 'register.mandate.end');
      assert.equal(record!.target, `mandate:${m.id}`);
      assert.equal(record!.abonnee_nummer, DE_LINDE);

      // Malformed ids and the operator's client.
      assert.equal((await as(dezi.url, linde)('GET', '/mandates/not-a-uuid')).status, 400);
      assert.equal((await as(dezi.url, operator)('GET', '/mandates')).status, 403);
      assert.equal((await fetch(`${dezi.url}/api/v1/mandates`)).status, 401);
    });

    test('role declarations: listed, confirmed and refused by their abonnee; another abonnee gets 404', async () => {
      const worker = await enrolColleague(dezi.register, bsns.next().value!, 'Rol', DE_LINDE);
      const [employment] = await dezi.register.activeEmployments(worker.person.id);
      const as_worker = { kind: 'person' as const, deziNummer: worker.person.deziNummer };
      const d = await dezi.register.roleDeclarations.declare(
        { personId: worker.person.id, employmentId: employment!.id, rolCode: '99.000' },
        as_worker,
      );
      const list = await as(dezi.url, linde)('GET', '/role-declarations');
      assert.equal(list.status, 200);
      const item = list.body.items!.find((i) => i.id === d.id)!;
      assert.deepEqual(
        { ...item, declaredAt: undefined },
        {
          id: d.id,
          employmentId: employment!.id,
          abonneeNummer: DE_LINDE,
          person: { deziNummer: worker.person.deziNummer, naam: 'T. Rol' },
          rolCode: '99.000',
          rolNaam: 'Zorgverlener andere zorg',
          status: 'pending',
          declaredAt: undefined,
          decidedAt: null,
          decidedBy: null,
        },
      );
      assert.equal((await as(dezi.url, linde)('GET', `/role-declarations/${d.id}`)).body.id, d.id);

      // Another abonnee: not listed, not found, cannot confirm or refuse.
      assert.ok(
        !(await as(dezi.url, zuidwijk)('GET', '/role-declarations')).body.items!.some((i) => i.id === d.id),
      );
      assert.equal((await as(dezi.url, zuidwijk)('GET', `/role-declarations/${d.id}`)).status, 404);
      assert.equal((await as(dezi.url, zuidwijk)('POST', `/role-declarations/${d.id}/confirm`)).status, 404);
      assert.equal((await as(dezi.url, zuidwijk)('POST', `/role-declarations/${d.id}/refuse`)).status, 404);
      assert.equal((await dezi.register.roleDeclarations.get(d.id))!.status, 'pending');

      const confirmed = await as(dezi.url, linde)('POST', `/role-declarations/${d.id}/confirm`);
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.status, 'confirmed');
      assert.equal(confirmed.body.decidedBy, `system:${linde.clientId}`);
      const changed = await as(dezi.url, linde)('GET', `/employments/${employment!.id}`);
      assert.equal(changed.body.rolCode, '99.000');
      assert.equal(changed.body.rolCodeBron, 'http://www.dezi.nl/rol_bron/zelfverklaring');
      const again = await as(dezi.url, linde)('POST', `/role-declarations/${d.id}/refuse`);
      assert.equal(again.status, 409);

      // A second declaration, refused: the employment keeps the confirmed role.
      const second = await dezi.register.roleDeclarations.declare(
        { personId: worker.person.id, employmentId: employment!.id, rolCode: '86.000' },
        as_worker,
      );
      const refused = await as(dezi.url, linde)('POST', `/role-declarations/${second.id}/refuse`, {});
      assert.equal(refused.status, 200);
      assert.equal(refused.body.status, 'refused');
      assert.equal((await dezi.register.getEmployment(employment!.id))!.rolCode, '99.000');

      // The ordinary role path does not accept the source: the API schema names big and abonnee only.
      const direct = await as(dezi.url, linde)('PATCH', `/employments/${employment!.id}`, {
        rolCode: '86.000',
        rolCodeBron: 'zelfverklaring',
      });
      assert.equal(direct.status, 400);
    });

    test('the OpenAPI document describes the new endpoints and their schemas', async () => {
      const doc = (await (await fetch(`${dezi.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { operationId: string }>>;
        components: { schemas: Record<string, unknown> };
      };
      assert.equal(doc.paths['/mandates']!.get!.operationId, 'listMandates');
      assert.equal(doc.paths['/mandates/{mandateId}']!.get!.operationId, 'getMandate');
      assert.equal(doc.paths['/mandates/{mandateId}/end']!.post!.operationId, 'endMandate');
      assert.equal(doc.paths['/role-declarations']!.get!.operationId, 'listRoleDeclarations');
      assert.equal(
        doc.paths['/role-declarations/{declarationId}/confirm']!.post!.operationId,
        'confirmRoleDeclaration',
      );
      assert.equal(
        doc.paths['/role-declarations/{declarationId}/refuse']!.post!.operationId,
        'refuseRoleDeclaration',
      );
      assert.ok(doc.components.schemas.Mandate);
      assert.ok(doc.components.schemas.RoleDeclaration);
    });
  });
