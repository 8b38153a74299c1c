// ID tokens signed with PS256 or ES256 for a client that registers id_token_signed_response_alg;
// RS256, the koppelvlak's, for every other client. Checked the way a relying party would: jose
// verifies each id_token against the JWKS at the discovery's jwks_uri (createRemoteJWKSet), with
// only the registered algorithm allowed. Also: the userinfo envelope follows
// userinfo_signed_response_alg (RS256 unless registered), and a rotation replaces all keys together.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compactDecrypt, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { ID_TOKEN_ALGS, rotateSigningKey } from '../src/oidc/keys.ts';
import { BACKENDS, openTestDatabase, REGISTRATION_TOKEN, startDezi, type TestDezi } from './helpers/dezi.ts';
import { login } from './helpers/login.ts';
import { keyMaterial, redeem, registerRp, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;

for (const backend of BACKENDS)
  describe(`id_token algorithms (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db });
    });

    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    const jwksUri = () => `${dezi.url}/openid/connect/jwks.json`;
    const publishedKeys = async () =>
      ((await (await fetch(jwksUri())).json()) as { keys: (JWK & { kid: string; alg: string })[] }).keys;

    /** A full login for this client; the id_token and the access token as the client receives them. */
    async function loginWith(rp: TestRp) {
      const out = await login(rp, JANSEN.bsn);
      assert.equal(out.final.status, 303, `expected a redirect to the client at ${out.final.url}`);
      const tokens = await redeem(rp, out.final.location!, out.request);
      return { idToken: tokens.id_token!, accessToken: tokens.access_token, sub: tokens.claims()!.sub };
    }

    /** The id_token verified by jose alone: only `alg` allowed, the key from the published JWKS. */
    async function verifyIdToken(rp: TestRp, idToken: string, alg: string) {
      const { payload, protectedHeader } = await jwtVerify(idToken, createRemoteJWKSet(new URL(jwksUri())), {
        issuer: dezi.url,
        audience: rp.clientId,
        algorithms: [alg],
      });
      return { payload, protectedHeader };
    }

    /** The userinfo envelope, decrypted and verified by jose with only `alg` allowed. */
    async function verifyEnvelope(rp: TestRp, accessToken: string, sub: string, alg: string) {
      const res = await fetch(`${dezi.url}/userinfo`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      assert.equal(res.status, 200);
      const { plaintext } = await compactDecrypt(await res.text(), rp.decryptionKey);
      const envelope = new TextDecoder().decode(plaintext);
      const { protectedHeader } = await jwtVerify(envelope, createRemoteJWKSet(new URL(jwksUri())), {
        issuer: dezi.url,
        audience: rp.clientId,
        subject: sub,
        algorithms: [alg],
      });
      return protectedHeader;
    }

    test('discovery and the JWKS: RS256 first, then PS256 and ES256, each with a key of its own', async () => {
      const meta = (await (await fetch(`${dezi.url}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      assert.deepEqual(meta.id_token_signing_alg_values_supported, ['RS256', 'PS256', 'ES256']);
      assert.deepEqual(meta.userinfo_signing_alg_values_supported, ['RS256', 'PS256', 'ES256']);
      const keys = await publishedKeys();
      for (const alg of ID_TOKEN_ALGS) {
        const ofAlg = keys.filter((k) => k.alg === alg);
        assert.equal(ofAlg.length, 1, `one ${alg} key published`);
        const [k] = ofAlg;
        assert.equal(k!.use, 'sig');
        assert.equal(k!.d, undefined, 'no private key material');
        if (alg === 'ES256') {
          assert.deepEqual([k!.kty, k!.crv], ['EC', 'P-256']);
        } else {
          assert.equal(k!.kty, 'RSA');
          assert.ok(String(k!.n).length >= 512, 'RSA key of at least 3072 bits');
        }
      }
      assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length, 'every kid distinct');
      const rsa = keys.filter((k) => k.kty === 'RSA');
      assert.notEqual(rsa[0]!.n, rsa[1]!.n, 'RS256 and PS256 do not share an RSA key');
    });

    test('a client without a choice gets RS256 id_tokens and an RS256 envelope', async () => {
      const rp = await registerRp(dezi.url);
      assert.equal(rp.config.clientMetadata().id_token_signed_response_alg, 'RS256');
      const { idToken, accessToken, sub } = await loginWith(rp);
      const { protectedHeader } = await verifyIdToken(rp, idToken, 'RS256');
      assert.equal(protectedHeader.kid, dezi.keyRing.keys.currentByAlg.RS256.kid);
      await assert.rejects(verifyIdToken(rp, idToken, 'ES256'), /alg/);
      assert.equal((await verifyEnvelope(rp, accessToken, sub, 'RS256')).alg, 'RS256');
    });

    for (const alg of ['PS256', 'ES256'] as const)
      test(`a client that registers ${alg} gets ${alg} id_tokens, verified with jose; its envelope stays RS256`, async () => {
        const rp = await registerRp(dezi.url, { id_token_signed_response_alg: alg });
        assert.equal(rp.config.clientMetadata().id_token_signed_response_alg, alg);
        const { idToken, accessToken, sub } = await loginWith(rp);
        assert.equal(decodeProtectedHeader(idToken).alg, alg);
        const { payload, protectedHeader } = await verifyIdToken(rp, idToken, alg);
        assert.equal(protectedHeader.kid, dezi.keyRing.keys.currentByAlg[alg].kid);
        assert.equal(payload.sub, sub);
        assert.ok(typeof payload.jti === 'string' && typeof payload.acr === 'string');
        // Only the registered algorithm: an RS256-only verifier refuses it.
        await assert.rejects(verifyIdToken(rp, idToken, 'RS256'), /alg/);
        // The envelope is a separate choice: RS256 unless userinfo_signed_response_alg says otherwise.
        assert.equal((await verifyEnvelope(rp, accessToken, sub, 'RS256')).alg, 'RS256');
      });

    test('a client that registers userinfo_signed_response_alg ES256 gets an ES256 envelope', async () => {
      const rp = await registerRp(dezi.url, {
        id_token_signed_response_alg: 'PS256',
        userinfo_signed_response_alg: 'ES256',
      });
      const { idToken, accessToken, sub } = await loginWith(rp);
      await verifyIdToken(rp, idToken, 'PS256');
      const header = await verifyEnvelope(rp, accessToken, sub, 'ES256');
      assert.equal(header.kid, dezi.keyRing.keys.currentByAlg.ES256.kid);
    });

    test('registration refuses an algorithm Dezi does not sign with', async () => {
      const { jwks } = await keyMaterial();
      const register = (extra: Record<string, unknown>) =>
        fetch(`${dezi.url}/register`, {
          method: 'POST',
          headers: { authorization: `Bearer ${REGISTRATION_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            client_name: 'Algoritmetest',
            redirect_uris: ['https://zorgapp.test/callback'],
            token_endpoint_auth_method: 'private_key_jwt',
            jwks,
            ...extra,
          }),
        });
      for (const extra of [
        { id_token_signed_response_alg: 'HS256' },
        { id_token_signed_response_alg: 'none' },
        { id_token_signed_response_alg: 'EdDSA' },
        { id_token_signed_response_alg: 'RS512' },
        { userinfo_signed_response_alg: 'HS256' },
        { userinfo_signed_response_alg: 'none' },
      ]) {
        const res = await register(extra);
        assert.equal(res.status, 400, JSON.stringify(extra));
        assert.equal(((await res.json()) as { error: string }).error, 'invalid_client_metadata');
      }
      const ok = await register({ id_token_signed_response_alg: 'ES256' });
      assert.equal(ok.status, 201);
    });

    test('a rotation replaces all three keys together; the old ones stay published and still verify', async () => {
      const rp = await registerRp(dezi.url, { id_token_signed_response_alg: 'ES256' });
      const before = await loginWith(rp);
      const old = { ...dezi.keyRing.keys.currentByAlg };
      await rotateSigningKey(dezi.db, dezi.secrets, 3600);
      assert.ok(await dezi.keyRing.refresh(), 'the instance picked up the rotation');
      const now = dezi.keyRing.keys.currentByAlg;
      for (const alg of ID_TOKEN_ALGS) assert.notEqual(now[alg].kid, old[alg].kid, `${alg} rotated`);
      const kids = (await publishedKeys()).map((k) => k.kid);
      for (const alg of ID_TOKEN_ALGS)
        assert.ok(
          kids.includes(old[alg].kid) && kids.includes(now[alg].kid),
          `${alg}: old and new published`,
        );
      // The id_token from before the rotation still verifies; a new login uses the new ES256 key.
      await verifyIdToken(rp, before.idToken, 'ES256');
      const after = await loginWith(rp);
      assert.equal((await verifyIdToken(rp, after.idToken, 'ES256')).protectedHeader.kid, now.ES256.kid);
    });
  });
