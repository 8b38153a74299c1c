// The REST API over HTTP: client assertions (and their forgeries and replays), the OpenAPI
// document, problem+json answers, and an abonnee that can reach only its own employments.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { API_ROUTES } from '../src/api/schemas.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { api, apiKeys, as, assertion, operatorClient, type ApiTestClient } from './helpers/api.ts';
import { bigFileWithCardioloog, CARDIOLOOG, enrolCardioloog } from './helpers/big.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { login, startLogin } from './helpers/login.ts';
import { Browser } from './helpers/browser.ts';
import { redeem, registerRp } from './helpers/rp.ts';
import { REGISTER_API_SCOPE } from '../src/oidc/clients.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // admin at 90000111
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!; // 90000111 and 90000222
const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!; // 90000222 only
const BOS = SEED_PERSONS.find((p) => p.achternaam === 'Bos')!; // no employment

const PROBLEM = 'application/problem+json';

for (const backend of BACKENDS)
  describe(`REST API (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let operator: ApiTestClient;
    let linde: ApiTestClient; // 90000111
    let zuidwijk: ApiTestClient; // 90000222

    async function abonneeClient(abonneeNummer: string): Promise<ApiTestClient> {
      const { privateKey, jwks } = await apiKeys();
      const res = await as(dezi.url, operator)('POST', `/abonnees/${abonneeNummer}/api-clients`, {
        name: `system of ${abonneeNummer}`,
        jwks,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { clientId: String(res.body.clientId), privateKey };
    }

    const bigRegisterFile = bigFileWithCardioloog();

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db, config: { bigRegisterFile } });
      operator = await operatorClient(dezi.db);
      linde = await abonneeClient('90000111');
      zuidwijk = await abonneeClient('90000222');
    });

    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    async function auditCount(): Promise<number> {
      const [row] = await dezi.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      return row!.n;
    }

    test('the OpenAPI 3.1 document describes every operation and both credentials', async () => {
      const res = await api(dezi.url, 'GET', '/openapi.json');
      assert.equal(res.status, 200);
      const doc = res.body as {
        openapi: string;
        servers: { url: string }[];
        paths: Record<string, Record<string, { operationId: string; security: unknown[] }>>;
        components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      };
      assert.equal(doc.openapi, '3.1.0');
      assert.equal(doc.servers[0]!.url, `${dezi.url}/api/v1`);
      const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
      assert.deepEqual(ops.sort(), API_ROUTES.map((r) => r.operationId).sort());
      assert.ok(doc.paths['/employments/{employmentId}']!.patch);
      assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), [
        'clientAssertion',
        'deziAccessToken',
      ]);
      assert.ok(doc.components.schemas.Problem);
    });

    test('no credential, a malformed one, or a forged one: 401 problem+json', async () => {
      const none = await api(dezi.url, 'GET', '/employments');
      assert.equal(none.status, 401);
      assert.equal(none.type, PROBLEM);
      assert.match(String(none.headers.get('www-authenticate')), /^Bearer/);
      assert.equal(none.body.status, 401);
      assert.match(String(none.body.type), /unauthorized$/);

      const garbage = await api(dezi.url, 'GET', '/employments', { token: 'a.b.c' });
      assert.equal(garbage.status, 401);

      const stranger = await apiKeys(); // signed with a key that is not registered for the client
      const forged = await api(dezi.url, 'GET', '/employments', {
        token: await assertion(dezi.url, { clientId: linde.clientId, privateKey: stranger.privateKey }),
      });
      assert.equal(forged.status, 401);
      assert.match(String(forged.body.detail), /ERR_JWS_SIGNATURE_VERIFICATION_FAILED|no applicable key/i);

      const unknown = await api(dezi.url, 'GET', '/employments', {
        token: await assertion(dezi.url, { clientId: 'api-unknown', privateKey: stranger.privateKey }),
      });
      assert.equal(unknown.status, 401);

      const hs = await new SignJWT({ jti: 'x'.repeat(20) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(linde.clientId)
        .setSubject(linde.clientId)
        .setAudience(`${dezi.url}/api/v1`)
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(new TextEncoder().encode('a-shared-secret-that-nobody-registered'));
      assert.equal((await api(dezi.url, 'GET', '/employments', { token: hs })).status, 401);
    });

    test('an assertion is refused for another audience, a long life, a missing jti, or a second use', async () => {
      const wrongAud = await api(dezi.url, 'GET', '/employments', {
        token: await assertion(dezi.url, linde, { aud: `${dezi.url}/token` }),
      });
      assert.equal(wrongAud.status, 401);
      assert.match(String(wrongAud.body.detail), /aud/);

      const longLived = await api(dezi.url, 'GET', '/employments', {
        token: await assertion(dezi.url, linde, { expiresIn: 3600 }),
      });
      assert.equal(longLived.status, 401);
      assert.match(String(longLived.body.detail), /300 seconds/);

      const expired = await api(dezi.url, 'GET', '/employments', {
        token: await assertion(dezi.url, linde, { expiresIn: -60 }),
      });
      assert.equal(expired.status, 401);

      const shortJti = await api(dezi.url, 'GET', '/employments', {
        token: await assertion(dezi.url, linde, { claims: { jti: 'short' } }),
      });
      assert.equal(shortJti.status, 401);

      const token = await assertion(dezi.url, linde);
      assert.equal((await api(dezi.url, 'GET', '/employments', { token })).status, 200);
      const replay = await api(dezi.url, 'GET', '/employments', { token });
      assert.equal(replay.status, 401);
      assert.match(String(replay.body.detail), /replay/);

      // Two requests racing with one assertion: exactly one gets through.
      const racing = await assertion(dezi.url, linde);
      const statuses = (
        await Promise.all([1, 2, 3].map(() => api(dezi.url, 'GET', '/employments', { token: racing })))
      ).map((r) => r.status);
      assert.deepEqual(statuses.sort(), [200, 401, 401]);
    });

    test("an abonnee lists its own employments and nobody else's", async () => {
      const res = await as(dezi.url, linde)('GET', '/employments');
      assert.equal(res.status, 200);
      const items = res.body.items!;
      assert.ok(items.length >= 2);
      assert.ok(items.every((e) => e.abonneeNummer === '90000111'));
      assert.ok(items.some((e) => e.deziNummer === JANSEN.deziNummer));
      assert.ok(!items.some((e) => e.deziNummer === SMIT.deziNummer));
      assert.ok(!JSON.stringify(res.body).includes(JANSEN.bsn), 'no BSN in the API');
    });

    test('every cross-abonnee access is refused and changes nothing', async () => {
      const theirs = (await as(dezi.url, zuidwijk)('GET', '/employments')).body.items!;
      const smitAtZuidwijk = theirs.find((e) => e.deziNummer === SMIT.deziNummer)!;
      const amraniAtZuidwijk = theirs.find((e) => e.deziNummer === AMRANI.deziNummer)!;
      const invitation = await as(dezi.url, zuidwijk)('POST', '/invitations', {
        deziNummer: BOS.deziNummer,
        rolCode: '89.000',
        rolCodeBron: 'abonnee',
      });
      assert.equal(invitation.status, 201);
      const before = JSON.stringify((await as(dezi.url, zuidwijk)('GET', '/employments')).body);
      const beforeInvitations = JSON.stringify((await as(dezi.url, zuidwijk)('GET', '/invitations')).body);
      const audited = await auditCount();

      const call = as(dezi.url, linde);
      for (const e of [smitAtZuidwijk, amraniAtZuidwijk]) {
        const attempts = [
          await call('GET', `/employments/${e.id}`),
          await call('PATCH', `/employments/${e.id}`, { rolCode: '01.000', rolCodeBron: 'big' }),
          await call('POST', `/employments/${e.id}/end`, {}),
        ];
        for (const r of attempts) {
          assert.equal(r.status, 404, JSON.stringify(r.body));
          assert.equal(r.type, PROBLEM);
        }
      }
      assert.equal((await call('GET', `/persons/${SMIT.deziNummer}`)).status, 404);
      assert.equal((await call('DELETE', `/invitations/${invitation.body.id}`)).status, 404);
      assert.ok(!(await call('GET', '/invitations')).body.items!.some((i) => i.id === invitation.body.id));
      // An invitation is always for the caller's own abonnee: naming another is refused, not obeyed.
      const forOther = await call('POST', '/invitations', {
        deziNummer: BOS.deziNummer,
        rolCode: null,
        rolCodeBron: null,
        abonneeNummer: '90000222',
      });
      assert.equal(forOther.status, 400);
      assert.deepEqual(forOther.body.errors, [
        { pointer: '/body/abonneeNummer', detail: 'unknown property' },
      ]);
      // Operator endpoints are not for an abonnee's system.
      assert.equal((await call('POST', '/abonnees', { abonneeNummer: '90009999', naam: 'X' })).status, 403);
      assert.equal((await call('PATCH', '/abonnees/90000222', { status: 'suspended' })).status, 403);
      assert.equal((await call('GET', '/abonnees/90000222')).status, 403);
      const { jwks } = await apiKeys();
      assert.equal(
        (await call('POST', '/abonnees/90000222/api-clients', { name: 'mine now', jwks })).status,
        403,
      );

      assert.equal(JSON.stringify((await as(dezi.url, zuidwijk)('GET', '/employments')).body), before);
      assert.equal(
        JSON.stringify((await as(dezi.url, zuidwijk)('GET', '/invitations')).body),
        beforeInvitations,
      );
      assert.equal((await as(dezi.url, zuidwijk)('GET', '/abonnees/90000222')).status, 403);
      assert.ok((await auditCount()) > audited, 'refusals are audited');
      const [refusal] = await dezi.db.query<{ outcome: string; action: string }>(
        `SELECT outcome, action FROM audit_events WHERE action = 'api.changeRole' ORDER BY id DESC LIMIT 1`,
      );
      assert.equal(refusal?.outcome, 'failure');
    });

    test('an abonnee sets a role and ends an employment of its own; the register and audit show it', async () => {
      const call = as(dezi.url, linde);
      const amrani = (await call('GET', '/employments')).body.items!.find(
        (e) => e.deziNummer === AMRANI.deziNummer,
      )!;
      const changed = await call('PATCH', `/employments/${amrani.id}`, {
        rolCode: '01.000',
        rolCodeBron: 'big',
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.rolCode, '01.000');
      assert.equal((await call('GET', `/employments/${amrani.id}`)).body.rolCode, '01.000');
      const person = await call('GET', `/persons/${AMRANI.deziNummer}`);
      assert.equal(person.status, 200);
      assert.equal(person.body.achternaam, 'Amrani');

      const ended = await call('POST', `/employments/${amrani.id}/end`, {});
      assert.equal(ended.status, 200, JSON.stringify(ended.body));
      assert.equal(ended.body.active, false);
      const [row] = await dezi.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE abonnee_nummer = '90000111' AND action LIKE 'api.%'`,
      );
      assert.ok(row!.n > 0);
    });

    test('bad input: 400 problem+json naming the field, 415 for a form, nothing changes', async () => {
      const call = as(dezi.url, linde);
      const jansen = (await call('GET', '/employments')).body.items!.find(
        (e) => e.deziNummer === JANSEN.deziNummer,
      )!;
      const unknownRole = await call('PATCH', `/employments/${jansen.id}`, {
        rolCode: '99.999',
        rolCodeBron: 'big',
      });
      assert.equal(unknownRole.status, 400);
      assert.equal(unknownRole.type, PROBLEM);
      assert.match(String(unknownRole.body.detail), /99\.999/);

      const extra = await call('PATCH', `/employments/${jansen.id}`, {
        rolCode: '01.000',
        rolCodeBron: 'big',
        abonneeId: 'x',
      });
      assert.equal(extra.status, 400);
      assert.deepEqual(extra.body.errors, [{ pointer: '/body/abonneeId', detail: 'unknown property' }]);

      const missing = await call('PATCH', `/employments/${jansen.id}`, { rolCode: '01.000' });
      assert.equal(missing.status, 400);
      assert.equal((missing.body.errors as { pointer: string }[])[0]!.pointer, '/body/rolCodeBron');

      const badId = await call('GET', '/employments/not-a-uuid');
      assert.equal(badId.status, 400);
      assert.match(String((badId.body.errors as { pointer: string }[])[0]!.pointer), /^\/path/);

      const form = await api(dezi.url, 'PATCH', `/employments/${jansen.id}`, {
        token: await assertion(dezi.url, linde),
        rawBody: 'rolCode=01.000&rolCodeBron=big',
        contentType: 'application/x-www-form-urlencoded',
      });
      assert.equal(form.status, 415);
      assert.equal(form.type, PROBLEM);

      const broken = await api(dezi.url, 'PATCH', `/employments/${jansen.id}`, {
        token: await assertion(dezi.url, linde),
        rawBody: '{"rolCode":',
      });
      assert.equal(broken.status, 400);
      assert.equal(broken.type, PROBLEM);

      const huge = await api(dezi.url, 'PATCH', `/employments/${jansen.id}`, {
        token: await assertion(dezi.url, linde),
        rawBody: JSON.stringify({ rolCode: '01.000', rolCodeBron: 'big', pad: 'x'.repeat(100_000) }),
      });
      assert.equal(huge.status, 413);
      assert.equal(huge.type, PROBLEM);

      assert.equal((await call('GET', `/employments/${jansen.id}`)).body.rolCode, '01.015');
      assert.equal((await call('GET', '/nope')).status, 404);
    });

    test('invitations by Dezi-nummer and by one-time code; withdrawal', async () => {
      const call = as(dezi.url, linde);
      const byNummer = await call('POST', '/invitations', {
        deziNummer: BOS.deziNummer,
        rolCode: null,
        rolCodeBron: null,
      });
      assert.equal(byNummer.status, 201, JSON.stringify(byNummer.body));
      assert.equal(byNummer.body.status, 'pending');
      assert.equal(byNummer.body.registrationCode, undefined);

      const byCode = await call('POST', '/invitations', { rolCode: '30.000', rolCodeBron: 'big' });
      assert.equal(byCode.status, 201);
      assert.match(String(byCode.body.registrationCode), /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      const listed = (await call('GET', '/invitations')).body.items!.find((i) => i.id === byCode.body.id)!;
      assert.equal(listed.registrationCode, undefined, 'the code is shown once');
      const [stored] = await dezi.db.query<{ code_hash: string }>(
        'SELECT code_hash FROM invitations WHERE id = $1',
        [byCode.body.id],
      );
      assert.notEqual(stored!.code_hash, byCode.body.registrationCode, 'only a hash is stored');

      assert.equal((await call('DELETE', `/invitations/${byCode.body.id}`)).status, 204);
      const again = await call('DELETE', `/invitations/${byCode.body.id}`);
      assert.equal(again.status, 409);

      const unknownPerson = await call('POST', '/invitations', {
        deziNummer: '999999999',
        rolCode: null,
        rolCodeBron: null,
      });
      assert.equal(unknownPerson.status, 404);
      const badRole = await call('POST', '/invitations', { rolCode: '01.000', rolCodeBron: null });
      assert.equal(badRole.status, 400);
    });

    test('a BIG specialism through the API: an arts without it cannot be given 01.010, the cardioloog can', async () => {
      const call = as(dezi.url, linde);
      const jansen = (await call('GET', '/employments')).body.items!.find(
        (e) => e.deziNummer === JANSEN.deziNummer,
      )!;
      // Jansen is arts and huisarts in the BIG-register, not cardioloog.
      const refused = await call('PATCH', `/employments/${jansen.id}`, {
        rolCode: '01.010',
        rolCodeBron: 'big',
      });
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal(refused.type, PROBLEM);
      assert.match(
        String(refused.body.detail),
        /no BIG registration for the specialism Cardioloog \(01\.010\)/,
      );
      assert.equal((await call('GET', `/employments/${jansen.id}`)).body.rolCode, '01.015');

      const cardioloog = await enrolCardioloog(dezi.register, '90000111');
      const [employment] = await dezi.register.employmentsOfPerson(cardioloog.id);
      const changed = await call('PATCH', `/employments/${employment!.id}`, {
        rolCode: '01.010',
        rolCodeBron: 'big',
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual([changed.body.rolCode, changed.body.rolNaam], ['01.010', 'Cardioloog']);
      const huisarts = await call('PATCH', `/employments/${employment!.id}`, {
        rolCode: '01.015',
        rolCodeBron: 'big',
      });
      assert.equal(huisarts.status, 403, 'a cardioloog is no huisarts');
      assert.equal((await call('GET', `/employments/${employment!.id}`)).body.rolCode, '01.010');
    });

    test('an invitation by Dezi-nummer with a BIG role the person does not hold: 422 naming the reason, nothing stored', async () => {
      const call = as(dezi.url, linde);
      const invitationCount = async () => (await call('GET', '/invitations')).body.items!.length;
      const before = await invitationCount();
      const refusals: [Record<string, unknown>, RegExp][] = [
        // Bos holds no BIG registration at all; el Amrani is arts and huisarts but no cardioloog.
        [
          { deziNummer: BOS.deziNummer, rolCode: '01.015', rolCodeBron: 'big' },
          /^900010012 has no BIG registration for the specialism Huisarts \(01\.015\)$/,
        ],
        [
          { deziNummer: BOS.deziNummer, rolCode: '30.000', rolCodeBron: 'big' },
          /^900010012 has no BIG registration for Verpleegkundige \(30\.000\)$/,
        ],
        [
          { deziNummer: AMRANI.deziNummer, rolCode: '01.010', rolCodeBron: 'big' },
          /the specialism Cardioloog \(01\.010\)/,
        ],
      ];
      for (const [body, detail] of refusals) {
        const res = await call('POST', '/invitations', body);
        assert.equal(res.status, 422, JSON.stringify(res.body));
        assert.equal(res.type, PROBLEM);
        assert.equal(res.body.type, 'https://dezi.nl/problems/big-registration-required');
        assert.equal(res.body.title, 'The person does not hold this role in the BIG-register');
        assert.equal(res.body.status, 422);
        assert.match(String(res.body.detail), detail);
      }
      assert.equal(await invitationCount(), before, 'a refused invitation is not stored');
      const [audited] = await dezi.db.query<{
        outcome: string;
        detail: { reason: string; rol_code: string };
      }>(
        `SELECT outcome, detail FROM audit_events WHERE action = 'api.invitation.create' ORDER BY id DESC LIMIT 1`,
      );
      assert.deepEqual(
        [audited?.outcome, audited?.detail.reason, audited?.detail.rol_code],
        ['failure', 'big_not_registered', '01.010'],
      );

      // What the person holds is invited: el Amrani as huisarts or arts, the cardioloog as cardioloog.
      for (const rolCode of ['01.015', '01.000']) {
        const ok = await call('POST', '/invitations', {
          deziNummer: AMRANI.deziNummer,
          rolCode,
          rolCodeBron: 'big',
        });
        assert.equal(ok.status, 201, JSON.stringify(ok.body));
      }
      if (!(await dezi.register.findPersonByDeziNummer(CARDIOLOOG.deziNummer)))
        await enrolCardioloog(dezi.register, '90000111');
      const cardioloog = await as(dezi.url, zuidwijk)('POST', '/invitations', {
        deziNummer: CARDIOLOOG.deziNummer,
        rolCode: '01.010',
        rolCodeBron: 'big',
      });
      assert.equal(cardioloog.status, 201, JSON.stringify(cardioloog.body));
      // A registration code: the person is unknown until the code is used, so the BIG role is checked then.
      const byCode = await call('POST', '/invitations', { rolCode: '01.010', rolCodeBron: 'big' });
      assert.equal(byCode.status, 201, JSON.stringify(byCode.body));
      assert.match(String(byCode.body.registrationCode), /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

      const doc = (await api(dezi.url, 'GET', '/openapi.json')).body as {
        paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
      };
      assert.match(
        doc.paths['/invitations']!.post!.responses['422']!.description,
        /big-registration-required/,
      );
    });

    test('the operator adds and suspends an abonnee; a suspended abonnee’s system is refused', async () => {
      const op = as(dezi.url, operator);
      const created = await op('POST', '/abonnees', {
        abonneeNummer: '90001234',
        naam: 'Praktijk Nieuw',
        kvk: '59001234',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body, {
        abonneeNummer: '90001234',
        naam: 'Praktijk Nieuw',
        kvk: '59001234',
        agb: null,
        status: 'active',
      });
      assert.equal(
        (await op('POST', '/abonnees', { abonneeNummer: '90001234', naam: 'Again', kvk: '59001234' })).status,
        409,
      );
      assert.equal(
        (await op('POST', '/abonnees', { abonneeNummer: '1234', naam: 'Short', kvk: '59001234' })).status,
        400,
      );
      assert.equal((await op('GET', '/abonnees/90009998')).status, 404);
      assert.equal((await op('GET', '/employments')).status, 403, 'the operator is no abonnee');

      const nieuw = await abonneeClient('90001234');
      assert.equal((await as(dezi.url, nieuw)('GET', '/employments')).status, 200);
      const suspended = await op('PATCH', '/abonnees/90001234', { status: 'suspended' });
      assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
      assert.equal(suspended.body.status, 'suspended');
      const refused = await as(dezi.url, nieuw)('GET', '/employments');
      assert.equal(refused.status, 403);
      assert.equal(refused.type, PROBLEM);
    });

    test("a zorgapplicatie's openid token opens nothing; one issued for the API, only the administrator's abonnee", async () => {
      // An ordinary zorgapplicatie: the administrator's own openid token is refused by the API.
      const epd = await registerRp(dezi.url);
      const viaEpd = await login(epd, JANSEN.bsn);
      const epdTokens = await redeem(epd, viaEpd.final.location!, viaEpd.request);
      const refusedEpd = await api(dezi.url, 'GET', '/employments', { token: epdTokens.access_token });
      assert.equal(refusedEpd.status, 403);
      assert.match(String(refusedEpd.body.detail), /dezi:register-api/);
      // Nor may that zorgapplicatie ask for the API's scope: it is not registered for it.
      const asked = await startLogin(new Browser(), epd, { scope: `openid ${REGISTER_API_SCOPE}` });
      assert.equal(asked.page.status, 303);
      assert.equal(new URL(asked.page.location!).searchParams.get('error'), 'invalid_scope');

      // A client registered for the register API, asking for its scope.
      const rp = await registerRp(dezi.url, { scope: `openid ${REGISTER_API_SCOPE}` });
      const apiScope = { scope: `openid ${REGISTER_API_SCOPE}` };
      const admin = await login(rp, JANSEN.bsn, { params: apiScope });
      const tokens = await redeem(rp, admin.final.location!, admin.request);
      assert.equal(tokens.scope, `openid ${REGISTER_API_SCOPE}`);
      const res = await api(dezi.url, 'GET', '/employments', { token: tokens.access_token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.items!.every((e) => e.abonneeNummer === '90000111'));
      const smit = (await as(dezi.url, zuidwijk)('GET', '/employments')).body.items!.find(
        (e) => e.deziNummer === SMIT.deziNummer,
      )!;
      assert.equal(
        (await api(dezi.url, 'GET', `/employments/${smit.id}`, { token: tokens.access_token })).status,
        404,
      );

      const notAdmin = await login(rp, SMIT.bsn, { params: apiScope });
      const theirs = await redeem(rp, notAdmin.final.location!, notAdmin.request);
      const refused = await api(dezi.url, 'GET', '/employments', { token: theirs.access_token });
      assert.equal(refused.status, 403);
      assert.equal((await api(dezi.url, 'GET', '/employments', { token: 'not-a-token' })).status, 401);

      // The operator makes Smit an administrator of Zuidwijk: the same token now works, for Zuidwijk.
      const adminPath = `/abonnees/90000222/administrators/${SMIT.deziNummer}`;
      assert.equal((await as(dezi.url, zuidwijk)('PUT', adminPath)).status, 403, 'not for an abonnee system');
      assert.equal((await as(dezi.url, operator)('PUT', adminPath)).status, 204);
      const now = await api(dezi.url, 'GET', '/employments', { token: theirs.access_token });
      assert.equal(now.status, 200);
      assert.ok(now.body.items!.every((e) => e.abonneeNummer === '90000222'));
      assert.equal((await as(dezi.url, operator)('DELETE', adminPath)).status, 204);
      assert.equal((await api(dezi.url, 'GET', '/employments', { token: theirs.access_token })).status, 403);
      assert.equal((await as(dezi.url, operator)('DELETE', adminPath)).status, 404);
      assert.equal(
        (await as(dezi.url, operator)('PUT', '/abonnees/90000222/administrators/999999999')).status,
        404,
      );
    });
  });
