// OpenID4VCI 1.0, pre-authorized code flow (issue 11, §1), with the wallet played by @openid4vc's own
// client classes: an offer from Mijn Dezi's service, the token with DPoP (server nonce, retried by the
// client) and the wallet attestation, a c_nonce, a jwt proof, the credential. Then the messages a
// wallet written to the spec would not send, built by hand: each refused with its own error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Bsn } from '../src/means/bsn.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import {
  newTestWalletProvider,
  testWalletProvider,
  type TestWalletProvider,
} from '../src/proeftuin/test-wallet-provider.ts';
import type { Actor } from '../src/audit/audit.ts';
import type { Person } from '../src/register/register.ts';
import { CREDENTIAL_CONFIGURATION_ID, WALLET_PATHS } from '../src/wallet/issuance.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import {
  assertIssuedTo,
  dpopProof,
  keyProof,
  newP256,
  testWallet,
  walletAudit,
  type TestWallet,
} from './helpers/wallet.ts';

// JSON read back from the wire: its shape is what the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any;

const OPERATOR: Actor = { kind: 'operator', name: 'wallet-issuance-test' };

for (const backend of BACKENDS)
  describe(`OpenID4VCI, pre-authorized code (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let provider: TestWalletProvider;

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db });
      provider = await testWalletProvider();
    });
    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    const url = (path: string) => `${dezi.url}${path}`;

    async function personAndEmployment(achternaam: string) {
      const seed = SEED_PERSONS.find((p) => p.achternaam === achternaam)!;
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(seed.bsn)))!;
      const [employment] = await dezi.register.activeEmployments(person.id);
      return { person, employment: employment! };
    }

    async function offerFor(person: Person, employmentId: string) {
      const offer = await dezi.issuance!.createOffer(person, employmentId);
      assert.ok(offer, 'an offer for an active employment');
      return offer;
    }

    /** The wallet's way through the token endpoint, as the library does it (nonce retry included). */
    async function tokenFor(wallet: TestWallet, offer: { offer: string; txCode: string }) {
      const credentialOffer = await wallet.client.resolveCredentialOffer(offer.offer);
      const issuerMetadata = await wallet.client.resolveIssuerMetadata(credentialOffer.credential_issuer);
      const token = await wallet.client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer,
        issuerMetadata,
        txCode: offer.txCode,
        dpop: { signer: wallet.signer(wallet.dpop) },
      });
      return { credentialOffer, issuerMetadata, ...token };
    }

    /** A fresh DPoP nonce, as the server hands it out in its DPoP-Nonce header. */
    async function dpopNonce(): Promise<string> {
      const res = await fetch(url(WALLET_PATHS.token), {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
          'pre-authorized_code': 'none',
        }),
      });
      await res.body?.cancel();
      return res.headers.get('dpop-nonce')!;
    }

    async function cNonce(): Promise<string> {
      return (
        (await (await fetch(url(WALLET_PATHS.nonce), { method: 'POST' })).json()) as { c_nonce: string }
      ).c_nonce;
    }

    test('the metadata: credential issuer and authorization server, as the client library reads them', async () => {
      const res = await fetch(url(WALLET_PATHS.issuerMetadata));
      assert.equal(res.status, 200);
      const meta = (await res.json()) as Record<string, Wire>;
      assert.equal(meta.credential_issuer, dezi.url);
      assert.equal(meta.nonce_endpoint, url(WALLET_PATHS.nonce));
      const config = meta.credential_configurations_supported[CREDENTIAL_CONFIGURATION_ID];
      assert.equal(config.format, 'dc+sd-jwt');
      assert.equal(config.vct, dezi.wallet!.vct);
      assert.deepEqual(config.proof_types_supported.jwt.proof_signing_alg_values_supported, ['ES256']);
      const as = (await (await fetch(url(WALLET_PATHS.authorizationServerMetadata))).json()) as Wire;
      assert.equal(as.issuer, meta.authorization_servers[0]);
      assert.deepEqual(as.token_endpoint_auth_methods_supported, ['attest_jwt_client_auth']);
      assert.deepEqual(as.dpop_signing_alg_values_supported, ['ES256']);
    });

    test('offer → token (DPoP nonce, wallet attestation) → c_nonce → proof → the verklaring, bound to the holder key', async () => {
      const { person, employment } = await personAndEmployment('Jansen');
      const offer = await offerFor(person, employment.id);
      assert.match(offer.offer, /^openid-credential-offer:\/\/\?credential_offer=/);
      assert.match(offer.txCode, /^\d{6}$/);
      const wallet = await testWallet(provider);
      const { issuerMetadata, accessTokenResponse, dpop, credentialOffer } = await tokenFor(wallet, offer);
      assert.equal(accessTokenResponse.token_type, 'DPoP');
      assert.deepEqual(credentialOffer.credential_configuration_ids, [CREDENTIAL_CONFIGURATION_ID]);
      const grant = credentialOffer.grants!['urn:ietf:params:oauth:grant-type:pre-authorized_code']!;
      assert.deepEqual(grant.tx_code?.input_mode, 'numeric');

      const { c_nonce } = await wallet.client.requestNonce({ issuerMetadata });
      const { jwt } = await wallet.client.createCredentialRequestJwtProof({
        credentialConfigurationId: CREDENTIAL_CONFIGURATION_ID,
        issuerMetadata,
        signer: wallet.signer(wallet.holder),
        nonce: c_nonce,
      });
      const { credentialResponse } = await wallet.client.retrieveCredentials({
        issuerMetadata,
        accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: CREDENTIAL_CONFIGURATION_ID,
        dpop,
        proofs: { jwt: [jwt] },
      });
      const credential = (credentialResponse.credentials as { credential: string }[])[0]!.credential;
      await assertIssuedTo(credential, wallet.holder, person.deziNummer);
      assert.deepEqual(await walletAudit(dezi.db, person.deziNummer), [
        'wallet.offer:success',
        'wallet.token:success',
        'wallet.credential.issue:success',
      ]);
    });

    test('a wrong transaction code uses the offer up: the right code afterwards finds nothing', async () => {
      const { person, employment } = await personAndEmployment('Jansen');
      const offer = await offerFor(person, employment.id);
      const wrong = offer.txCode === '000000' ? '111111' : '000000';
      await assert.rejects(
        tokenFor(await testWallet(provider), { ...offer, txCode: wrong }),
        /invalid_grant/,
      );
      await assert.rejects(tokenFor(await testWallet(provider), offer), /invalid_grant/);
    });

    test('no wallet attestation, or one by a provider Dezi does not trust: refused, and the offer is kept', async () => {
      const { person, employment } = await personAndEmployment('Jansen');
      const offer = await offerFor(person, employment.id);
      await assert.rejects(
        tokenFor(await testWallet(provider, { attest: false }), offer),
        /attestation|invalid_client/i,
      );
      const stranger = await newTestWalletProvider();
      await assert.rejects(
        tokenFor(await testWallet(stranger), offer),
        /attestation|invalid_client|verification/i,
      );
      const ok = await tokenFor(await testWallet(provider), offer);
      assert.equal(ok.accessTokenResponse.token_type, 'DPoP');
    });

    test('DPoP at the token endpoint: missing, without the server nonce, with a stale nonce, replayed', async () => {
      const { person, employment } = await personAndEmployment('Jansen');
      const offer = await offerFor(person, employment.id);
      const code = new URL(offer.offer).searchParams.get('credential_offer')!;
      const preAuthorizedCode = (JSON.parse(code) as Wire).grants[
        'urn:ietf:params:oauth:grant-type:pre-authorized_code'
      ]['pre-authorized_code'];
      const wallet = await testWallet(provider);
      const form = new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
        'pre-authorized_code': preAuthorizedCode,
        tx_code: offer.txCode,
      });
      const post = (headers: Record<string, string>) =>
        fetch(url(WALLET_PATHS.token), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: form,
        });
      const errorOf = async (res: Response) => ({
        status: res.status,
        ...((await res.json()) as { error: string }),
      });

      assert.deepEqual(await errorOf(await post({})), {
        status: 400,
        error: 'invalid_dpop_proof',
        error_description: 'a DPoP proof is required',
      });
      const noNonce = await post({
        dpop: await dpopProof(wallet.dpop, { htm: 'POST', htu: url(WALLET_PATHS.token) }),
      });
      assert.equal(noNonce.headers.get('dpop-nonce')?.split('.').length, 3);
      assert.equal((await errorOf(noNonce)).error, 'use_dpop_nonce');
      const stale = `${(Math.floor(Date.now() / 1000) - 3600).toString(36)}.AAAAAAAAAAAA.forged`;
      const staleRes = await post({
        dpop: await dpopProof(wallet.dpop, { htm: 'POST', htu: url(WALLET_PATHS.token), nonce: stale }),
      });
      assert.equal((await errorOf(staleRes)).error, 'use_dpop_nonce');

      // A good proof without the attestation is refused after the nonce check; replaying it is refused as such.
      const nonce = noNonce.headers.get('dpop-nonce')!;
      const proof = await dpopProof(wallet.dpop, { htm: 'POST', htu: url(WALLET_PATHS.token), nonce });
      const first = await errorOf(await post({ dpop: proof }));
      assert.equal(first.status, 400);
      assert.notEqual(first.error, 'use_dpop_nonce');
      assert.deepEqual(await errorOf(await post({ dpop: proof })), {
        status: 400,
        error: 'invalid_dpop_proof',
        error_description: 'this DPoP proof was used before',
      });
      // The offer is still there for the real wallet.
      assert.equal((await tokenFor(wallet, offer)).accessTokenResponse.token_type, 'DPoP');
    });

    test('malformed messages at each endpoint: a 4xx OAuth error, never a 500, and the server keeps serving', async () => {
      const wallet = await testWallet(provider);
      const nonce = await dpopNonce();
      const proof = (path: string) => dpopProof(wallet.dpop, { htm: 'POST', htu: url(path), nonce });
      const cases: [string, RequestInit][] = [
        [WALLET_PATHS.token, { body: 'grant_type=' }],
        [WALLET_PATHS.token, { body: new URLSearchParams({ grant_type: 'password', username: 'x' }) }],
        [
          WALLET_PATHS.token,
          {
            body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code' }),
          },
        ],
        [WALLET_PATHS.token, { body: '{"grant_type": 1}', headers: { 'content-type': 'application/json' } }],
        [WALLET_PATHS.token, { body: 'x'.repeat(100_000) }],
        [
          WALLET_PATHS.token,
          {
            body: new URLSearchParams({
              grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
              'pre-authorized_code': 'x',
            }),
            headers: { dpop: 'not.a.jwt' },
          },
        ],
        [
          WALLET_PATHS.token,
          {
            body: new URLSearchParams({
              grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
              'pre-authorized_code': 'x',
            }),
            headers: {
              dpop: await proof(WALLET_PATHS.token),
              'oauth-client-attestation': 'a.b.c',
              'oauth-client-attestation-pop': 'd.e.f',
            },
          },
        ],
        [
          WALLET_PATHS.credential,
          { body: '{', headers: { 'content-type': 'application/json', authorization: 'DPoP x' } },
        ],
        [WALLET_PATHS.credential, { body: 'a=b', headers: { authorization: 'Bearer x' } }],
      ];
      for (const [path, init] of cases) {
        const res = await fetch(url(path), { method: 'POST', ...init });
        const body = await res.text();
        assert.ok(
          res.status >= 400 && res.status < 500,
          `${path} ${String(init.body).slice(0, 60)}: ${res.status} ${body.slice(0, 200)}`,
        );
        assert.doesNotMatch(body, /at .*\.(ts|mjs):\d+/);
      }
      assert.equal((await fetch(url(WALLET_PATHS.issuerMetadata))).status, 200);
    });

    describe('at the credential endpoint', () => {
      let wallet: TestWallet;
      let accessToken: string;

      before(async () => {
        const { person, employment } = await personAndEmployment('Amrani');
        wallet = await testWallet(provider);
        accessToken = (await tokenFor(wallet, await offerFor(person, employment.id))).accessTokenResponse
          .access_token;
      });

      async function request(
        body: unknown,
        o: {
          dpopKey?: Awaited<ReturnType<typeof newP256>>;
          nonce?: string;
          proof?: string;
          token?: string;
        } = {},
      ) {
        const dpop =
          o.proof ??
          (await dpopProof(o.dpopKey ?? wallet.dpop, {
            htm: 'POST',
            htu: url(WALLET_PATHS.credential),
            nonce: o.nonce ?? (await dpopNonce()),
            accessToken: o.token ?? accessToken,
          }));
        const res = await fetch(url(WALLET_PATHS.credential), {
          method: 'POST',
          headers: {
            authorization: `DPoP ${o.token ?? accessToken}`,
            dpop,
            'content-type': 'application/json',
          },
          body: JSON.stringify(body),
        });
        return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, Wire> };
      }
      const proofs = async (o: Parameters<typeof keyProof>[1]) => ({
        credential_configuration_id: CREDENTIAL_CONFIGURATION_ID,
        proofs: { jwt: [await keyProof(wallet.holder, o)] },
      });

      test('a good request by hand gets the credential', async () => {
        const res = await request(await proofs({ aud: dezi.url, nonce: await cNonce() }));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.credentials.length, 1);
      });

      test('`proof` instead of `proofs` is refused', async () => {
        const jwt = await keyProof(wallet.holder, { aud: dezi.url, nonce: await cNonce() });
        const res = await request({
          credential_configuration_id: CREDENTIAL_CONFIGURATION_ID,
          proof: { proof_type: 'jwt', jwt },
        });
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_credential_request');
      });

      test('a proof without a live c_nonce, for another audience, or of another type is refused', async () => {
        assert.equal((await request(await proofs({ aud: dezi.url }))).body.error, 'invalid_nonce');
        assert.equal(
          (await request(await proofs({ aud: dezi.url, nonce: 'x.y.z' }))).body.error,
          'invalid_nonce',
        );
        assert.equal(
          (await request(await proofs({ aud: 'https://elders.example', nonce: await cNonce() }))).body.error,
          'invalid_proof',
        );
        assert.equal(
          (await request(await proofs({ aud: dezi.url, nonce: await cNonce(), typ: 'JWT' }))).body.error,
          'invalid_proof',
        );
      });

      test('DPoP: a stale nonce, another key than the token is bound to, a replayed proof, no token', async () => {
        const body = await proofs({ aud: dezi.url, nonce: await cNonce() });
        const stale = await request(body, {
          nonce: `${(Math.floor(Date.now() / 1000) - 3600).toString(36)}.a.b`,
        });
        assert.equal(stale.status, 401);
        assert.match(stale.headers.get('www-authenticate') ?? '', /use_dpop_nonce/);
        assert.ok(stale.headers.get('dpop-nonce'));

        const other = await request(body, { dpopKey: await newP256() });
        assert.equal(other.status, 401);
        assert.equal(other.body.error, 'invalid_dpop_proof');

        const proof = await dpopProof(wallet.dpop, {
          htm: 'POST',
          htu: url(WALLET_PATHS.credential),
          nonce: await dpopNonce(),
          accessToken,
        });
        assert.equal(
          (await request(await proofs({ aud: dezi.url, nonce: await cNonce() }), { proof })).status,
          200,
        );
        const replay = await request(await proofs({ aud: dezi.url, nonce: await cNonce() }), { proof });
        assert.equal(replay.status, 401);
        assert.equal(replay.body.error_description, 'this DPoP proof was used before');

        const noToken = await request(body, { token: 'not-a-token' });
        assert.equal(noToken.status, 401);
        assert.equal(noToken.body.error, 'invalid_token');
      });

      test('the employment ended after the token: credential_request_denied, audited', async () => {
        const { employment } = await personAndEmployment('Amrani');
        await dezi.register.endEmployment(employment.id, OPERATOR);
        const res = await request(await proofs({ aud: dezi.url, nonce: await cNonce() }));
        assert.equal(res.status, 403);
        assert.equal(res.body.error, 'credential_request_denied');
        const [row] = await dezi.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'wallet.credential.issue' AND outcome = 'failure'`,
        );
        assert.equal(row!.n, 1);
      });
    });
  });
