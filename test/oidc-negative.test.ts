// What the OpenID provider must refuse, each with the specific OAuth error and nothing issued.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { SignJWT, base64url, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser } from './helpers/browser.ts';
import { BACKENDS, REGISTRATION_TOKEN, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { login } from './helpers/login.ts';
import {
  authorizationRequest,
  fetchUserinfo,
  keyMaterial,
  redeem,
  REDIRECT_URI,
  type TestRp,
} from './helpers/rp.ts';

const BSN = SEED_PERSONS[0]!.bsn;

for (const backend of BACKENDS)
  describe(`the OpenID provider refuses (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    withDezi(backend, { rp: true }, (started) => ({ dezi, rp } = started));

    /** Logs in and returns the code (not yet redeemed) with the request it answers. */
    async function codeFor(params: Record<string, string> = {}) {
      const out = await login(rp, BSN, { params });
      assert.equal(out.final.status, 303, out.final.body.slice(0, 300));
      const location = new URL(out.final.location!);
      assert.ok(location.href.startsWith(REDIRECT_URI));
      return {
        code: location.searchParams.get('code')!,
        request: out.request,
        location,
        browser: out.browser,
      };
    }

    async function assertion(
      o: {
        key?: CryptoKey;
        alg?: string;
        aud?: string | string[];
        exp?: number;
        iat?: number;
        jti?: string;
        iss?: string;
      } = {},
    ): Promise<string> {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ jti: o.jti ?? randomUUID() })
        .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: rp.signingKid })
        .setIssuer(o.iss ?? rp.clientId)
        .setSubject(o.iss ?? rp.clientId)
        .setAudience(o.aud ?? dezi.url)
        .setIssuedAt(o.iat ?? now)
        .setExpirationTime(o.exp ?? now + 60)
        .sign(o.key ?? rp.signingKey);
    }

    async function tokenRequest(params: Record<string, string>) {
      const res = await fetch(`${dezi.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    }

    async function redeemWith(code: string, verifier: string, clientAssertion: string) {
      return tokenRequest({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: rp.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
      });
    }

    async function authorize(params: Record<string, string>) {
      const url = new URL(`${dezi.url}/authorize`);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return new Browser().request(url.href);
    }

    const baseAuthorize = () => ({
      client_id: rp.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
      state: 'st',
      nonce: 'no',
    });

    test('an authorization request without PKCE', async () => {
      const res = await authorize(baseAuthorize());
      assert.equal(res.status, 303);
      const location = new URL(res.location!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description')!, /PKCE/);
    });

    test('plain PKCE', async () => {
      const res = await authorize({
        ...baseAuthorize(),
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'plain',
      });
      const location = new URL(res.location!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description')!, /code_challenge_method/);
    });

    test('an unregistered redirect URI: an error page, no redirect', async () => {
      const res = await authorize({
        ...baseAuthorize(),
        redirect_uri: 'https://attacker.example/cb',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      });
      assert.equal(res.status, 400);
      assert.equal(res.location, null);
      assert.match(res.body, /redirect_uri/);
      assert.match(res.body, /<html lang="nl">/);
    });

    test('an unknown client: an error page, no redirect', async () => {
      const res = await authorize({
        ...baseAuthorize(),
        client_id: 'nobody',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      });
      assert.equal(res.status, 400);
      assert.equal(res.location, null);
      assert.match(res.body, /invalid_client/);
    });

    test('response types other than code', async () => {
      const res = await authorize({
        ...baseAuthorize(),
        response_type: 'id_token',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      });
      assert.ok(res.location);
      const location = new URL(res.location.replace('#', '?'));
      assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
    });

    test('oversized parameters', async () => {
      const huge = await authorize({
        ...baseAuthorize(),
        state: 'x'.repeat(20_000),
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      });
      assert.ok([400, 414, 431].includes(huge.status), `status ${huge.status}`);
      const big = await fetch(`${dezi.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=authorization_code&code=${'x'.repeat(200_000)}`,
      });
      assert.ok([400, 413].includes(big.status), `status ${big.status}`);
      // The server keeps serving.
      assert.equal((await fetch(`${dezi.url}/.well-known/openid-configuration`)).status, 200);
    });

    test('a wrong PKCE verifier', async () => {
      const { code } = await codeFor();
      const wrong = await redeemWith(code, client.randomPKCECodeVerifier(), await assertion());
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error, 'invalid_grant');
      assert.equal(wrong.body.access_token, undefined);
    });

    test('client assertions: expired, replayed, wrong audience, alg none, HS256 with the public key, foreign key', async () => {
      const { code, request } = await codeFor();
      const now = Math.floor(Date.now() / 1000);
      const expired = await redeemWith(
        code,
        request.verifier,
        await assertion({ iat: now - 600, exp: now - 300 }),
      );
      assert.equal(expired.body.error, 'invalid_client', JSON.stringify(expired.body));
      assert.equal(expired.status, 401);

      const longLived = await redeemWith(code, request.verifier, await assertion({ exp: now + 3600 }));
      assert.equal(
        longLived.body.error,
        'invalid_client',
        'an assertion valid for an hour is not short-lived',
      );

      const wrongAud = await redeemWith(
        code,
        request.verifier,
        await assertion({ aud: 'https://other.example' }),
      );
      assert.equal(wrongAud.body.error, 'invalid_client');

      // The audience-injection class (RFC 7523bis): only the issuer, as one string, is accepted; not
      // a list that holds it, not the token endpoint's URL.
      for (const aud of [[dezi.url, 'https://other.example'], [dezi.url], `${dezi.url}/token`]) {
        const refused = await redeemWith(code, request.verifier, await assertion({ aud }));
        assert.equal(refused.status, 401, JSON.stringify(aud));
        assert.equal(refused.body.error, 'invalid_client');
      }

      // One way to authenticate: a client_secret beside a valid assertion is refused, not ignored.
      const withSecret = await tokenRequest({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: request.verifier,
        client_id: rp.clientId,
        client_secret: 'anything',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(),
      });
      assert.equal(withSecret.status, 400);
      assert.equal(withSecret.body.error, 'invalid_request');

      // redirect_uri is required at the token endpoint (spec §4.2.3, OpenID Connect Core 3.1.3.1).
      const withoutRedirect = await tokenRequest({
        grant_type: 'authorization_code',
        code,
        code_verifier: request.verifier,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(),
      });
      assert.equal(withoutRedirect.status, 400);
      assert.equal(withoutRedirect.body.error, 'invalid_request');
      assert.match(withoutRedirect.body.error_description!, /redirect_uri/);

      const header = base64url.encode(JSON.stringify({ alg: 'none' }));
      const payload = base64url.encode(
        JSON.stringify({
          iss: rp.clientId,
          sub: rp.clientId,
          aud: dezi.url,
          jti: randomUUID(),
          exp: now + 60,
          iat: now,
        }),
      );
      const none = await redeemWith(code, request.verifier, `${header}.${payload}.`);
      assert.equal(none.body.error, 'invalid_client');

      // The HS256 confusion attack: the public key's bytes used as an HMAC secret.
      const publicJwk = rp.jwks.keys[0]!;
      const hmacKey = new TextEncoder().encode(JSON.stringify(publicJwk));
      const hs = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'HS256', kid: rp.signingKid })
        .setIssuer(rp.clientId)
        .setSubject(rp.clientId)
        .setAudience(dezi.url)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(hmacKey);
      const hs256 = await redeemWith(code, request.verifier, hs);
      assert.equal(hs256.body.error, 'invalid_client');

      const foreign = await generateKeyPair('RS256');
      const foreignKey = await redeemWith(
        code,
        request.verifier,
        await assertion({ key: foreign.privateKey }),
      );
      assert.equal(foreignKey.body.error, 'invalid_client');

      // None of the refused attempts consumed the code: a valid assertion redeems it...
      const jti = randomUUID();
      const first = await redeemWith(code, request.verifier, await assertion({ jti }));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.ok(first.body.id_token);

      // ...and the same assertion again (replayed jti) is refused even with a fresh code.
      const second = await codeFor();
      const replayed = await redeemWith(second.code, second.request.verifier, await assertion({ jti }));
      assert.equal(replayed.body.error, 'invalid_client');
      // It was the replay that was refused: a fresh assertion redeems that same code.
      const fresh = await redeemWith(second.code, second.request.verifier, await assertion());
      assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    });

    test('a replayed authorization code, and the tokens from its first use are revoked', async () => {
      const { location, request } = await codeFor();
      const tokens = await redeem(rp, location.href, request);
      const claims = tokens.claims()!;
      await fetchUserinfo(rp, tokens.access_token, claims.sub); // works before the replay

      const replay = await redeemWith(
        location.searchParams.get('code')!,
        request.verifier,
        await assertion(),
      );
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');

      const res = await fetch(`${dezi.url}/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    });

    test('userinfo without, with a malformed and with an unknown access token', async () => {
      const none = await fetch(`${dezi.url}/userinfo`);
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
      const malformed = await fetch(`${dezi.url}/userinfo`, { headers: { authorization: 'Basic abc' } });
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as { error: string }).error, 'invalid_request');
      const unknown = await fetch(`${dezi.url}/userinfo`, {
        headers: { authorization: `Bearer ${'A'.repeat(43)}` },
      });
      assert.equal(unknown.status, 401);
      assert.equal(((await unknown.json()) as { error: string }).error, 'invalid_token');
    });

    test('a tampered verklaring fails verification at the relying party', async () => {
      const { location, request } = await codeFor();
      const tokens = await redeem(rp, location.href, request);
      const info = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      const jws = info.envelope.verklaring as string;
      const [h, p, s] = jws.split('.');
      const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
      payload.rol_code = '01.015';
      payload.rol_naam = 'Huisarts';
      payload.abonnee_nummer = '90000999';
      const forged = `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
      const { jwtVerify, createRemoteJWKSet } = await import('jose');
      await assert.rejects(
        jwtVerify(forged, createRemoteJWKSet(new URL(`${dezi.url}/dezi/jwks.json`)), {
          issuer: 'https://abonnee.dezi.nl',
        }),
        /signature verification failed/,
      );
    });

    test('prompt=login asks for a new login although a session exists', async () => {
      const { browser } = await codeFor();
      // Without prompt=login the session carries the person straight back to the zorgapplicatie...
      const silent = await browser.goto((await authorizationRequest(rp)).url, REDIRECT_URI);
      assert.equal(silent.status, 303);
      assert.ok(new URL(silent.location!).searchParams.get('code'));
      // ...with it, the person chooses a means again.
      const page = await browser.goto(
        (await authorizationRequest(rp, { prompt: 'login' })).url,
        REDIRECT_URI,
      );
      assert.equal(page.status, 200);
      assert.match(page.body, /Hoe wilt u inloggen\?/);
    });

    test('registration: without the initial access token, with a wrong one, a weak encryption key, a secret', async () => {
      const { jwks } = await keyMaterial();
      const metadata = { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'private_key_jwt', jwks };
      const post = (body: unknown, token?: string) =>
        fetch(`${dezi.url}/register`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
      assert.equal((await post(metadata)).status, 401);
      assert.equal((await post(metadata, 'wrong-token-wrong-token')).status, 401);
      // An encryption key below 2048 bits is refused; no encryption key at all is allowed (the signed envelope).
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
      const weakEnc = await post(
        {
          ...metadata,
          jwks: { keys: [jwks.keys[0], { ...weak, kid: 'enc-weak', use: 'enc' }] },
        },
        REGISTRATION_TOKEN,
      );
      assert.equal(weakEnc.status, 400);
      const weakError = (await weakEnc.json()) as { error: string; error_description: string };
      assert.equal(weakError.error, 'invalid_client_metadata');
      assert.match(weakError.error_description, /at least 2048 bits/);
      const noEnc = await post({ ...metadata, jwks: { keys: [jwks.keys[0]] } }, REGISTRATION_TOKEN);
      assert.equal(noEnc.status, 201);
      // userinfo_encrypted_response_* without an encryption key cannot be honoured.
      const encWithoutKey = await post(
        { ...metadata, jwks: { keys: [jwks.keys[0]] }, userinfo_encrypted_response_alg: 'RSA-OAEP' },
        REGISTRATION_TOKEN,
      );
      assert.equal(encWithoutKey.status, 400);
      const badEnc = await post(
        { ...metadata, userinfo_encrypted_response_enc: 'A128GCM' },
        REGISTRATION_TOKEN,
      );
      assert.equal(badEnc.status, 400);
      const secret = await post(
        { ...metadata, token_endpoint_auth_method: 'client_secret_basic' },
        REGISTRATION_TOKEN,
      );
      assert.equal(secret.status, 400);
      const sig = await generateKeyPair('RS256', { extractable: true });
      const privateJwk = { ...(await exportJWK(sig.privateKey)), use: 'sig' };
      const leaked = await post(
        { ...metadata, jwks: { keys: [privateJwk, jwks.keys[1]] } },
        REGISTRATION_TOKEN,
      );
      assert.equal(leaked.status, 400);
      const plainHttp = await post(
        { ...metadata, redirect_uris: ['http://zorgapp.example/cb'] },
        REGISTRATION_TOKEN,
      );
      assert.equal(plainHttp.status, 400);
      assert.match(((await plainHttp.json()) as { error_description: string }).error_description, /https/);
      const loopback = await post(
        { ...metadata, redirect_uris: ['http://localhost:3001/callback'] },
        REGISTRATION_TOKEN,
      );
      assert.equal(loopback.status, 201);
      const { token_endpoint_auth_method: _omitted, ...withoutMethod } = metadata;
      const implicitSecret = await post(withoutMethod, REGISTRATION_TOKEN);
      assert.equal(implicitSecret.status, 400);
      assert.match(
        ((await implicitSecret.json()) as { error_description: string }).error_description,
        /private_key_jwt/,
      );
      const refreshGrant = await post(
        { ...metadata, grant_types: ['authorization_code', 'refresh_token'] },
        REGISTRATION_TOKEN,
      );
      assert.equal(refreshGrant.status, 400);
      const ok = await post(metadata, REGISTRATION_TOKEN);
      assert.equal(ok.status, 201);
      const registered = (await ok.json()) as Record<string, unknown>;
      assert.equal(registered.subject_type, 'pairwise');
      assert.deepEqual(registered.response_types, ['code']);
      assert.equal(registered.client_secret, undefined);
    });
  });
