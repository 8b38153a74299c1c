// Logging in with a wallet (OpenID4VP 1.0, issue 11 §2), end to end at the test zorgapplicatie. The
// wallet is code nobody on the project wrote: @openid4vc's Openid4vpClient fetches and checks Dezi's
// signed request and encrypts the answer, @sd-jwt presents the credential that @openid4vc's
// Openid4vciClient received from Dezi. Cross-device (QR, the page goes on) and same-device (the
// wallet's redirect with a response code); then the messages a wallet must not send, built by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import { Bsn } from '../src/means/bsn.ts';
import { LOA } from '../src/means/loa.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import {
  presentation,
  presentCredential,
  resolveRequest,
  respond,
} from '../src/proeftuin/test-wallet-presenter.ts';
import { selfSignedP256 } from '../src/proeftuin/test-wallet-provider.ts';
import { issueTestPid, TEST_PID_ISSUER } from '../src/proeftuin/test-pid-issuer.ts';
import { newP256 } from '../src/proeftuin/test-wallet-client.ts';
import type { Actor } from '../src/audit/audit.ts';
import { Browser, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import {
  codeIssued,
  startLogin,
  walletCredential,
  walletTrust,
  type HeldCredential,
} from './helpers/login.ts';
import { fetchUserinfo, redeem, type TestRp } from './helpers/rp.ts';

const OPERATOR: Actor = { kind: 'operator', name: 'wallet-login-test' };
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!; // one employment, not ended here

for (const backend of BACKENDS)
  describe(`wallet login (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    withDezi(backend, { rp: true }, (started) => ({ dezi, rp } = started));

    const trusted = () => walletTrust(dezi);
    const credentialFor = (bsn: string) => walletCredential(dezi, bsn);

    /** The wallet answers this request (a link or QR content) with the held credential. */
    const present = (request: string, held: HeldCredential) =>
      presentCredential({
        request,
        credential: held.credential,
        holderPrivateJwk: held.holder,
        trusted: held.trusted,
      });

    /** "Hoe wilt u inloggen?" → the wallet; the page with its two requests (QR and link). */
    async function walletPage(browser: Browser) {
      const { request, page } = await startLogin(browser, rp);
      assert.match(page.body, /value="wallet"/, 'the wallet is offered');
      const qr = await browser.submit(page, '/means', { means: 'wallet' });
      assert.equal(qr.status, 200, qr.body.slice(0, 500));
      assert.match(qr.url, /\/means\/wallet\/[A-Za-z0-9_-]{43}$/);
      const link = /href="(openid4vp:\/\/[^"]+)"/.exec(qr.body);
      assert.ok(link, 'the link that opens the wallet on this device');
      const sameDevice = link[1]!.replace(/&amp;/g, '&');
      assert.match(sameDevice, /request_uri=.*%2Frequest%2Flink$/);
      return { request, qr, sameDevice, crossDevice: sameDevice.replace(/link$/, 'qr') };
    }

    async function redeemed(final: Exchange, request: Awaited<ReturnType<typeof startLogin>>['request']) {
      assert.equal(final.status, 303, final.body.slice(0, 300));
      assert.ok(final.location!.startsWith(rp.redirectUri), final.location!);
      const tokens = await redeem(rp, final.location!, request);
      const claims = tokens.claims()!;
      return { claims, userinfo: await fetchUserinfo(rp, tokens.access_token, claims.sub) };
    }

    async function auditOf(action: string) {
      return dezi.db.query<{ actor: string | null; outcome: string; detail: Record<string, unknown> }>(
        'SELECT actor, outcome, detail FROM audit_events WHERE action = $1 ORDER BY seq',
        [action],
      );
    }

    test('cross-device: the QR request, the page goes on; the credential names the person and employment', async () => {
      const held = await credentialFor(JANSEN.bsn);
      const browser = new Browser();
      const { request, qr, crossDevice } = await walletPage(browser);
      assert.match(qr.body, /Inloggen met uw ID-wallet/);
      assert.match(qr.body, /src="\/means\/wallet\/[^"]+\/qr\.svg"/);
      const svg = await browser.request(`${qr.url}/qr.svg`);
      assert.equal(svg.headers['content-type'], 'image/svg+xml');

      // Before the wallet answered: "continue" shows the page again.
      const early = await browser.goto(`${qr.url}/verder`);
      assert.equal(early.status, 200);
      assert.match(early.body, /heeft nog niets laten zien/);

      const shown = await present(crossDevice, held);
      assert.equal(shown.status, 200, JSON.stringify(shown.body));
      assert.deepEqual(shown.body, {}, 'no redirect for a wallet on another device');
      // Only what a login needs is asked for: not the name, not the verklaring's other claims.
      assert.deepEqual(shown.disclosed, ['dezi_nummer', 'abonnee_nummer', 'rol_code', 'loa_dezi']);
      const status = await fetch(`${qr.url}/status`);
      assert.deepEqual(await status.json(), { status: 'DONE' });

      const final = await browser.goto(`${qr.url}/verder`, rp.redirectUri);
      const { claims, userinfo } = await redeemed(final, request);
      assert.equal(claims.acr, LOA.high);
      assert.equal(userinfo.verklaring.dezi_nummer, held.deziNummer);
      assert.equal(userinfo.verklaring.abonnee_nummer, held.abonneeNummer);

      const presented = (await auditOf('wallet.presentation')).at(-1)!;
      assert.equal(presented.outcome, 'success');
      assert.equal(presented.detail.device, 'cross');
      const login = (await auditOf('login')).at(-1)!;
      assert.equal(login.outcome, 'success');
      assert.equal(login.detail.means, 'wallet');
      // No BSN anywhere on the way.
      for (const h of browser.history) assert.ok(!h.body.includes(JANSEN.bsn) && !h.url.includes(JANSEN.bsn));
      assert.ok(!dezi.logs.text().includes(JANSEN.bsn));
    });

    test('a verklaring without a role code (rol_code null) logs in too', async () => {
      const visser = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
      const held = await credentialFor(visser.bsn);
      const browser = new Browser();
      const { request, crossDevice, qr } = await walletPage(browser);
      const shown = await present(crossDevice, held);
      assert.equal(shown.status, 200, JSON.stringify(shown.body));
      const { userinfo } = await redeemed(await browser.goto(`${qr.url}/verder`, rp.redirectUri), request);
      assert.equal(userinfo.verklaring.dezi_nummer, held.deziNummer);
      assert.equal(userinfo.verklaring.rol_code, null);
    });

    test('the request object: signed by the x509_hash client, typ oauth-authz-req+jwt, encrypted answer asked', async () => {
      const browser = new Browser();
      const { crossDevice } = await walletPage(browser);
      const requestUri = new URL(crossDevice).searchParams.get('request_uri')!;
      const res = await fetch(requestUri);
      assert.equal(res.headers.get('content-type'), 'application/oauth-authz-req+jwt');
      const jwt = await res.text();
      const header = decodeProtectedHeader(jwt);
      assert.equal(header.typ, 'oauth-authz-req+jwt');
      assert.equal(header.alg, 'ES256');
      assert.deepEqual(header.x5c, dezi.wallet!.key.x5c);
      const payload = decodeJwt(jwt) as Record<string, unknown>;
      assert.match(String(payload.client_id), /^x509_hash:[A-Za-z0-9_-]{43}$/);
      assert.equal(payload.response_mode, 'direct_post.jwt');
      assert.equal(payload.aud, 'https://self-issued.me/v2');
      const jwks = (payload.client_metadata as { jwks: { keys: JWK[] } }).jwks.keys;
      assert.equal(jwks.length, 1);
      assert.equal(jwks[0]!.crv, 'P-256');
      assert.equal(jwks[0]!.d, undefined, 'no private part');
      // A request object with its payload changed no longer verifies at the wallet.
      const [h, , s] = jwt.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, nonce: 'x' })).toString('base64url')}.${s}`;
      await assert.rejects(
        resolveRequest(
          `openid4vp://?${new URLSearchParams({ client_id: String(payload.client_id), request: forged })}`,
          {
            trusted: trusted(),
          },
        ),
      );
      // Nor does a verifier whose certificate leads to no anchor the wallet trusts.
      await assert.rejects(resolveRequest(crossDevice, { trusted: [] }));
      // An unsigned request is not followed by the wallet.
      await assert.rejects(
        resolveRequest(
          `openid4vp://?${new URLSearchParams({
            client_id: String(payload.client_id),
            response_type: 'vp_token',
            response_mode: 'direct_post',
            response_uri: String(payload.response_uri),
            nonce: 'n',
            dcql_query: JSON.stringify(payload.dcql_query),
          })}`,
          { trusted: trusted() },
        ),
      );
    });

    test('same-device: the wallet sends the browser back with a response code, and only that code goes on', async () => {
      const held = await credentialFor(JANSEN.bsn);
      const browser = new Browser();
      const { request, sameDevice } = await walletPage(browser);
      const shown = await present(sameDevice, held);
      assert.equal(shown.status, 200);
      const back = String(shown.body.redirect_uri);
      assert.match(back, /\/verder\?response_code=[A-Za-z0-9_-]{43}$/);
      const final = await browser.goto(back, rp.redirectUri);
      const { userinfo } = await redeemed(final, request);
      assert.equal(userinfo.verklaring.dezi_nummer, held.deziNummer);
      assert.equal((await auditOf('wallet.presentation')).at(-1)!.detail.device, 'same');

      // Without the response code (a browser that did not come from the wallet): refused.
      const other = new Browser();
      const second = await walletPage(other);
      const again = await present(second.sameDevice, held);
      assert.equal(again.status, 200);
      const without = await other.goto(`${second.qr.url}/verder`, rp.redirectUri);
      assert.match(without.url, /\/uitkomst$/);
      assert.match(without.body, /Inloggen is niet gelukt/);
      assert.ok(!codeIssued(other, rp.redirectUri));
    });

    test("replayed: a second answer to the same login, and one login's presentation at another", async () => {
      const held = await credentialFor(JANSEN.bsn);
      const browser = new Browser();
      const first = await walletPage(browser);
      const request = await resolveRequest(first.crossDevice, { trusted: trusted() });
      const presented = await presentation(held.credential, held.holder, {
        aud: request.clientId,
        nonce: request.nonce,
        disclose: request.claims,
      });
      assert.equal((await respond(request, { dezi: [presented] })).status, 200);
      const twice = await respond(request, { dezi: [presented] });
      assert.equal(twice.status, 400, 'the first answer counts');

      // The same presentation (the first login's nonce) for another login: refused, with its page.
      const other = new Browser();
      const second = await walletPage(other);
      const request2 = await resolveRequest(second.crossDevice, { trusted: trusted() });
      const replayed = await respond(request2, { dezi: [presented] });
      assert.equal(replayed.status, 400);
      const page = await other.goto(`${second.qr.url}/verder`, rp.redirectUri);
      assert.match(page.url, /\/uitkomst$/);
      assert.equal(page.status, 403);
      assert.match(page.body, /Deze verklaring wordt niet geaccepteerd/);
      const refused = (await auditOf('login')).at(-1)!;
      assert.equal(refused.outcome, 'failure');
      assert.equal(refused.detail.reason, 'means_credential_refused');
      assert.equal(refused.detail.refusal, 'key_binding_nonce');
      const presentedAudit = (await auditOf('wallet.presentation')).at(-1)!;
      assert.equal(presentedAudit.outcome, 'failure');
      assert.equal(presentedAudit.detail.refusal, 'key_binding_nonce');
    });

    test('an answer that is not encrypted, or encrypted to another key, is not read', async () => {
      const held = await credentialFor(JANSEN.bsn);
      const browser = new Browser();
      const { crossDevice, qr } = await walletPage(browser);
      const request = await resolveRequest(crossDevice, { trusted: trusted() });
      const presented = await presentation(held.credential, held.holder, {
        aud: request.clientId,
        nonce: request.nonce,
        disclose: request.claims,
      });
      // direct_post instead of direct_post.jwt: the vp_token in the clear.
      const plain = await fetch(request.responseUri, {
        method: 'POST',
        body: new URLSearchParams({ vp_token: JSON.stringify({ dezi: [presented] }) }),
      });
      assert.equal(plain.status, 400);
      const page = await browser.goto(`${qr.url}/verder`, rp.redirectUri);
      assert.match(page.body, /Inloggen is niet gelukt/);
      assert.ok(!codeIssued(browser, rp.redirectUri));
      const audit = (await auditOf('wallet.presentation')).at(-1)!;
      assert.equal(audit.outcome, 'failure');
      assert.equal(audit.detail.reason, 'invalid_response');

      // Encrypted, but to a key of the wallet's choosing instead of this login's.
      const next = await walletPage(new Browser());
      const request2 = await resolveRequest(next.crossDevice, { trusted: trusted() });
      const { publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
      const otherKey = {
        ...(await exportJWK(publicKey)),
        kty: 'EC',
        use: 'enc',
        alg: 'ECDH-ES',
        kid: 'response',
      };
      const misdirected = await respond(
        {
          ...request2,
          payload: {
            ...request2.payload,
            client_metadata: { ...request2.payload.client_metadata, jwks: { keys: [otherKey] } },
          },
        },
        {
          dezi: [
            await presentation(held.credential, held.holder, {
              aud: request2.clientId,
              nonce: request2.nonce,
              disclose: request2.claims,
            }),
          ],
        },
      );
      assert.equal(misdirected.status, 400);
      assert.equal((await auditOf('wallet.presentation')).at(-1)!.detail.reason, 'invalid_response');
    });

    test('an employment that ended by its date alone (no event revoked the credential): the register refuses it', async () => {
      const held = await credentialFor(JANSEN.bsn);
      // An end date that was set ahead and has now come: nothing revoked the credential that day.
      await dezi.db.query('UPDATE employments SET end_date = current_date WHERE id = $1', [
        held.employmentId,
      ]);
      try {
        const browser = new Browser();
        const { crossDevice, qr } = await walletPage(browser);
        const shown = await present(crossDevice, held);
        assert.equal(shown.status, 200, 'the credential itself is still valid');
        const page = await browser.goto(`${qr.url}/verder`, rp.redirectUri);
        assert.equal(page.status, 403);
        assert.match(page.body, /Deze koppeling is beëindigd/);
        const refused = (await auditOf('login')).at(-1)!;
        assert.equal(refused.detail.reason, 'credential_employment_ended');
        assert.equal(refused.actor, held.deziNummer);
        assert.ok(!codeIssued(browser, rp.redirectUri));
      } finally {
        await dezi.db.query('UPDATE employments SET end_date = NULL WHERE id = $1', [held.employmentId]);
      }
    });

    test('the employment ends: the same credential is refused (revoked)', async () => {
      const held = await credentialFor(JANSEN.bsn);
      // Jansen's employment ends: Dezi revokes the credential in the same transaction.
      await dezi.register.endEmployment(held.employmentId, OPERATOR);
      const browser = new Browser();
      const { crossDevice, qr } = await walletPage(browser);
      const shown = await present(crossDevice, held);
      assert.equal(shown.status, 400);
      const page = await browser.goto(`${qr.url}/verder`, rp.redirectUri);
      assert.equal(page.status, 403);
      assert.match(page.body, /Deze verklaring wordt niet geaccepteerd/);
      assert.equal((await auditOf('login')).at(-1)!.detail.refusal, 'revoked');
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });

    test("the wallet's PID logs in by its BSN alone; the BSN goes nowhere; a PID of another issuer is refused", async () => {
      const holder = await newP256();
      const pidOf = (by?: Awaited<ReturnType<typeof selfSignedP256>>) =>
        issueTestPid(
          { bsn: SMIT.bsn, givenName: 'D.', familyName: 'Smit', birthdate: '1980-01-01' },
          holder.publicJwk,
          by,
        );
      const browser = new Browser();
      const { request, crossDevice, qr } = await walletPage(browser);
      const resolved = await resolveRequest(crossDevice, { trusted: trusted() });
      assert.deepEqual(
        resolved.queries.map((q) => [q.id, q.vct, q.claims]),
        [
          ['dezi', [dezi.wallet!.vct], ['dezi_nummer', 'abonnee_nummer', 'rol_code', 'loa_dezi']],
          ['pid', ['urn:eudi:pid:nl:1'], ['bsn']],
        ],
        'the PID is asked for its BSN only',
      );
      const shown = await presentCredential({
        request: crossDevice,
        credential: await pidOf(),
        holderPrivateJwk: holder.privateJwk,
        trusted: trusted(),
        queryId: 'pid',
      });
      assert.equal(shown.status, 200, JSON.stringify(shown.body));
      assert.deepEqual(shown.disclosed, ['bsn']);
      const final = await browser.goto(`${qr.url}/verder`, rp.redirectUri);
      const { claims, userinfo } = await redeemed(final, request);
      assert.equal(claims.acr, LOA.high);
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(SMIT.bsn)))!;
      assert.equal(userinfo.verklaring.dezi_nummer, person.deziNummer);
      const presented = (await auditOf('wallet.presentation')).at(-1)!;
      assert.equal(presented.detail.credential, 'pid');
      assert.equal(presented.actor, 'system', 'a PID names no person: the BSN is not one to record');
      // Not in a page, a URL, a log line, the audit trail or the one-time state.
      for (const h of browser.history) assert.ok(!h.body.includes(SMIT.bsn) && !h.url.includes(SMIT.bsn));
      assert.ok(!dezi.logs.text().includes(SMIT.bsn));
      const audit = await dezi.db.query<{ row: string }>(
        'SELECT row_to_json(a)::text AS row FROM audit_events a',
      );
      assert.ok(audit.every((a) => !a.row.includes(SMIT.bsn)));
      const state = await dezi.db.query<{ value: string }>('SELECT value::text AS value FROM single_use');
      assert.ok(state.every((r) => !r.value.includes(SMIT.bsn)));
      // Every row of every table (the wallet's and the test wallet's among them), as the login sweep does.
      const tables = await dezi.db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      for (const { table_name } of tables) {
        const rows = await dezi.db.query<{ row: string }>(`SELECT t::text AS row FROM ${table_name} t`);
        for (const { row } of rows) assert.ok(!row.includes(SMIT.bsn), `BSN in clear in table ${table_name}`);
      }

      // The same PID signed by an issuer Dezi does not trust (same iss, another certificate).
      const stranger = await selfSignedP256('CN=Not the PID issuer', new URL(TEST_PID_ISSUER).hostname);
      const other = new Browser();
      const second = await walletPage(other);
      const forged = await presentCredential({
        request: second.crossDevice,
        credential: await pidOf(stranger),
        holderPrivateJwk: holder.privateJwk,
        trusted: trusted(),
        queryId: 'pid',
      });
      assert.equal(forged.status, 400);
      const page = await other.goto(`${second.qr.url}/verder`, rp.redirectUri);
      assert.match(page.body, /Deze verklaring wordt niet geaccepteerd/);
      assert.equal((await auditOf('login')).at(-1)!.detail.refusal, 'unknown_issuer');
    });
  });
