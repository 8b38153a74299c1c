// Koppelvlakspecificatie Dezi v0.7 as a relying party written to it sees Dezi: a public client with no
// discovery and the spec's fixed paths logs in through the browser in both variants (the signed
// envelope; a JWE to a registered certificate), checks every field, reads the status and the signed
// revocation list; the verklaring matches the real acceptance vector member for member; and every
// negative case of a confidential client holds for a public one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { base64url, decodeProtectedHeader, SignJWT } from 'jose';
import { SEED_ABONNEES, SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { LOA } from '../src/means/loa.ts';
import { Bsn } from '../src/means/bsn.ts';
import { DEFAULT_KOPPELVLAK } from '../src/config.ts';
import {
  amsterdamDate,
  amsterdamMidnight,
  amsterdamMidnightMonthsLater,
  amsterdamOffsetMs,
} from '../src/time.ts';
import { EsealRing, fileEsealSource } from '../src/verklaring/eseal.ts';
import { CertificateError } from '../src/pki/certificates.ts';
import { loadTestEseal } from '../src/proeftuin/eseal-pki.ts';
import { x509 } from '../src/pki/x509.ts';
import { Browser } from './helpers/browser.ts';
import { cliSandbox } from './helpers/cli.ts';
import { BACKENDS, openTestDatabase, REGISTRATION_TOKEN, startDezi, type TestDezi } from './helpers/dezi.ts';
import { encryptionCertificate } from './helpers/certificates.ts';
import { testEsealFiles } from './helpers/eseal.ts';
import { specRp } from './helpers/spec-rp.ts';
import { migrate } from '../src/db/migrate.ts';
import { CLIENT_CACHE_MS } from '../src/oidc/adapter.ts';

const VECTORS = join(import.meta.dirname, '..', '..', 'shared', 'reference', 'dezi', 'vectors');
const REDIRECT = 'https://applicatie.zorgclient.test/login';
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const MULDER = SEED_PERSONS.find((p) => p.achternaam === 'Mulder')!;
const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!;
const OPERATOR = { kind: 'operator', name: 'test' } as const;

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The real acceptance verklaring (reference/dezi/vectors), header and payload as written. */
function acceptanceVector(): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = readFileSync(join(VECTORS, 'acceptatie-verklaring.jwt'), 'utf8').trim().split('.');
  return { header: decodePart(h!), payload: decodePart(p!) };
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** An instant's offset from 00:00 in the Netherlands, in seconds (0 at Amsterdam midnight). */
function secondsPastAmsterdamMidnight(epochSeconds: number): number {
  const local = epochSeconds * 1000 + amsterdamOffsetMs(epochSeconds * 1000);
  return Math.round((local % 86_400_000) / 1000);
}

/** The spec §4.1 discovery document (its data, with the authority put in). */
function specDiscovery(authority: string): Record<string, unknown> {
  return {
    issuer: authority,
    authorization_endpoint: `${authority}/authorize`,
    token_endpoint: `${authority}/token`,
    jwks_uri: `${authority}/openid/connect/jwks.json`,
    response_types_supported: ['code'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    userinfo_endpoint: `${authority}/userinfo`,
    scopes_supported: ['openid'],
    request_parameter_supported: false,
    request_uri_parameter_supported: true,
    require_request_uri_registration: false,
    grant_types_supported: ['authorization_code'],
    token_endpoint_auth_methods_supported: ['none'],
    response_modes_supported: ['query'],
    claims_parameter_supported: true,
    frontchannel_logout_supported: false,
    frontchannel_logout_session_supported: false,
    backchannel_logout_supported: false,
    backchannel_logout_session_supported: false,
    code_challenge_methods_supported: ['S256'],
  };
}

/** Dynamic registration of a public client, as a vendor does in the proeftuin. */
async function registerPublic(authority: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${authority}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
    body: JSON.stringify({
      client_name: 'EPD volgens de specificatie',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      ...extra,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

for (const backend of BACKENDS)
  describe(`koppelvlak v0.7: a relying party written to the spec (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let plainClient: string;

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db });
      const registered = await registerPublic(dezi.url);
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      plainClient = registered.body.client_id as string;
    });
    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    test('discovery has the values of §4.1; what Dezi adds is on top', async () => {
      const res = await fetch(`${dezi.url}/.well-known/openid-configuration`);
      const meta = (await res.json()) as Record<string, unknown>;
      const spec = specDiscovery(dezi.url);
      // Where Dezi offers more than the spec's example shows, the spec's value is contained first.
      const superset = [
        'subject_types_supported',
        'scopes_supported',
        'token_endpoint_auth_methods_supported',
        // PS256 and ES256 for a client that registers them; RS256, the spec's, stays first (the default).
        'id_token_signing_alg_values_supported',
      ];
      for (const [key, value] of Object.entries(spec)) {
        if (superset.includes(key)) {
          for (const v of value as string[])
            assert.ok((meta[key] as string[]).includes(v), `${key} has ${v}`);
        } else if (key === 'request_parameter_supported') {
          // Dezi accepts signed request objects from confidential clients (JAR): true, not the example's false.
          assert.equal(meta[key], true);
        } else {
          assert.deepEqual(meta[key], value, key);
        }
      }
      assert.equal((meta.subject_types_supported as string[])[0], 'pairwise');
      assert.deepEqual(meta.id_token_signing_alg_values_supported, ['RS256', 'PS256', 'ES256']);
      assert.deepEqual(meta.token_endpoint_auth_methods_supported, ['none', 'private_key_jwt']);
      assert.deepEqual(meta.pushed_authorization_request_endpoint_auth_methods_supported, [
        'private_key_jwt',
      ]);
      assert.deepEqual(Object.keys(meta).slice(0, Object.keys(spec).length), Object.keys(spec));
    });

    test('variant 1, no encryption key: the signed envelope; every field; status; revocation list', async () => {
      const rp = specRp(dezi.url, plainClient, REDIRECT, [dezi.testEseal!.caPem]);
      const out = await rp.login(JANSEN.bsn);
      const tokens = await rp.token(out);
      // §4.2.4: the spec's members, including its id_token_type and resource.
      for (const key of [
        'access_token',
        'token_type',
        'expires_in',
        'scope',
        'id_token',
        'id_token_type',
        'resource',
      ])
        assert.ok(key in tokens, `token answer has ${key}`);
      assert.equal(tokens.id_token_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
      assert.deepEqual(tokens.resource, [`${dezi.url}/*`]);
      const idToken = decodePart(tokens.id_token.split('.')[1]!);

      const info = await rp.userinfo(tokens.access_token, { expectedSub: idToken.sub as string });
      assert.equal(info.jweHeader, undefined);
      assert.deepEqual(Object.keys(info.envelopeHeader), ['alg', 'kid', 'typ']);
      assert.deepEqual(Object.keys(info.envelope), [
        'jti',
        'iat',
        'exp',
        'iss',
        'aud',
        'sub',
        'loa_authn',
        'json_schema',
        'verklaring_id',
        'verklaring',
      ]);
      assert.equal(info.envelope.aud, plainClient, 'aud is the client_id, a string');
      assert.equal(info.envelope.iss, dezi.url);
      assert.equal(info.envelope.loa_authn, LOA.high);
      assert.equal(info.envelope.json_schema, 'https://www.dezi.nl/json_schemas/v1/userinfo.json');
      assert.equal((info.envelope.exp as number) - (info.envelope.iat as number), 300);
      const v = info.verklaring;
      assert.equal(v.dezi_nummer, JANSEN.deziNummer);
      assert.equal(v.voorletters, 'J.');
      assert.equal(v.voorvoegsel, null);
      assert.equal(v.achternaam, 'Jansen');
      assert.equal(v.abonnee_nummer, '90000111');
      assert.equal(v.abonnee_naam, SEED_ABONNEES.find((a) => a.abonneeNummer === '90000111')!.naam);
      assert.equal(v.rol_code, '01.015');
      assert.equal(v.rol_naam, 'Huisarts');
      assert.equal(v.rol_code_bron, 'http://www.dezi.nl/rol_bron/big');
      assert.equal(v.loa_dezi, LOA.high);
      assert.equal(v.iss, 'https://abonnee.dezi.nl');
      assert.equal(v.status_uri, `${dezi.url}/status/v1/verklaring/${v.verklaring_id}`);
      assert.match(v.jti as string, /^[0-9a-f-]{36}$/);
      assert.notEqual(v.jti, v.verklaring_id);
      assert.equal(
        info.esealChain[0]!.subject.split('\n').find((l) => l.startsWith('CN=')),
        'CN=TEST Dezi-register',
      );

      const status = await rp.status(v.verklaring_id as string);
      assert.equal(status.status, 200);
      assert.deepEqual(status.body, { verklaringId: v.verklaring_id, status: 'actief' });
      const list = await rp.revocationList();
      assert.ok(Array.isArray(list.payload.revocaties));
      assert.ok(
        !(list.payload.revocaties as { verklaringId: string }[]).some(
          (r) => r.verklaringId === v.verklaring_id,
        ),
      );
    });

    test('variant 2, a registered certificate: the JWE as §4.3.4, alg enc kid typ cty; A128CBC-HS256 on request', async () => {
      const cert = await encryptionCertificate();
      // Only the certificate, as the spec has the abonnee hand it in: Dezi takes n, e and kid from it.
      const registered = await registerPublic(dezi.url, {
        jwks: { keys: [{ kty: 'RSA', use: 'enc', alg: 'RSA-OAEP', x5c: [cert.x5c] }] },
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      const stored = (registered.body.jwks as { keys: Record<string, unknown>[] }).keys[0]!;
      assert.equal(stored.kid, cert.x5tS256);
      assert.ok(typeof stored.n === 'string' && typeof stored.e === 'string');
      const clientId = registered.body.client_id as string;
      const rp = specRp(dezi.url, clientId, REDIRECT, [dezi.testEseal!.caPem]);
      const out = await rp.login(MULDER.bsn);
      const tokens = await rp.token(out);
      const info = await rp.userinfo(tokens.access_token, { decryptionKey: cert.privateKey });
      assert.deepEqual(Object.keys(info.jweHeader!), ['alg', 'enc', 'kid', 'typ', 'cty']);
      assert.deepEqual(info.jweHeader, {
        alg: 'RSA-OAEP',
        enc: 'A256CBC-HS512',
        kid: cert.x5tS256,
        typ: 'JWT',
        cty: 'JWT',
      });
      assert.equal(info.verklaring.dezi_nummer, MULDER.deziNummer);
      assert.equal(info.envelope.aud, clientId);

      const a128 = await registerPublic(dezi.url, {
        jwks: { keys: [{ kty: 'RSA', use: 'enc', x5c: [cert.x5c], kid: 'epd-zuid-2026' }] },
        userinfo_encrypted_response_alg: 'RSA-OAEP',
        userinfo_encrypted_response_enc: 'A128CBC-HS256',
      });
      assert.equal(a128.status, 201, JSON.stringify(a128.body));
      const rp128 = specRp(dezi.url, a128.body.client_id as string, REDIRECT);
      const info128 = await rp128.userinfo((await rp128.token(await rp128.login(JANSEN.bsn))).access_token, {
        decryptionKey: cert.privateKey,
      });
      assert.equal(info128.jweHeader!.enc, 'A128CBC-HS256');
      assert.equal(info128.jweHeader!.kid, 'epd-zuid-2026');
    });

    test('the verklaring is written as the acceptance vector: header, members, order, types, Amsterdam midnight', async () => {
      const rp = specRp(dezi.url, plainClient, REDIRECT, [dezi.testEseal!.caPem]);
      const info = await rp.userinfo((await rp.token(await rp.login(MULDER.bsn))).access_token);
      const vector = acceptanceVector();
      assert.deepEqual(Object.keys(info.verklaringHeader), Object.keys(vector.header));
      assert.deepEqual(Object.keys(info.verklaring), Object.keys(vector.payload));
      for (const [key, value] of Object.entries(vector.payload))
        assert.equal(typeOf(info.verklaring[key]), typeOf(value), `type of ${key}`);
      for (const key of ['alg', 'typ'] as const) assert.equal(info.verklaringHeader[key], vector.header[key]);
      assert.match(
        info.verklaringHeader.kid as string,
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      // rol_code_bron differs by person (the vector's person has a BIG role; Mulder's is the abonnee's).
      assert.match(
        info.verklaring.rol_code_bron as string,
        /^http:\/\/www\.dezi\.nl\/rol_bron\/(big|abonnee)$/,
      );
      for (const key of ['json_schema', 'loa_dezi', 'iss'] as const)
        assert.equal(info.verklaring[key], vector.payload[key], key);
      // Compact JSON with raw UTF-8, as the vector: "Mondhygiënist", not "Mondhygi\u00ebnist".
      assert.equal(info.verklaringJson, JSON.stringify(JSON.parse(info.verklaringJson)));
      assert.equal(info.verklaring.rol_naam, 'Mondhygiënist');
      assert.ok(info.verklaringJson.includes('"rol_naam":"Mondhygiënist"'));
      // nbf and exp on 00:00 Europe/Amsterdam, three months apart, as the vector's are.
      for (const p of [vector.payload, info.verklaring]) {
        assert.equal(secondsPastAmsterdamMidnight(p.nbf as number), 0, `nbf ${String(p.nbf)}`);
        assert.equal(secondsPastAmsterdamMidnight(p.exp as number), 0, `exp ${String(p.exp)}`);
      }
      const today = amsterdamDate(Date.now());
      assert.equal(info.verklaring.nbf, amsterdamMidnight(today.year, today.month, today.day) / 1000);
      assert.equal(info.verklaring.exp, amsterdamMidnightMonthsLater(Date.now(), 3) / 1000);
      // The x5c chain ends at the proeftuin's TEST CA (the trust anchor the RP pinned).
      const ca = new X509Certificate(dezi.testEseal!.caPem);
      assert.ok(info.esealChain.some((c) => c.raw.equals(ca.raw)) || info.esealChain.at(-1)!.checkIssued(ca));
    });

    test('the signed revocation list as the real output writes it; a revocation appears at the next build', async () => {
      const rp = specRp(dezi.url, plainClient, REDIRECT, [dezi.testEseal!.caPem]);
      const out = await rp.login(SMIT.bsn);
      const info = await rp.userinfo((await rp.token(out)).access_token);
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(SMIT.bsn)))!;
      await dezi.register.changeName(
        person.id,
        { voorletters: 'D.', voorvoegsel: null, achternaam: 'Smit-Bos' },
        OPERATOR,
      );
      assert.deepEqual((await rp.status(info.verklaring.verklaring_id as string)).body, {
        verklaringId: info.verklaring.verklaring_id,
        status: 'ingetrokken',
      });
      await dezi.revocationList.rebuild(); // what the schedule does every refresh interval
      const list = await rp.revocationList();
      assert.deepEqual(Object.keys(list.header), ['alg', 'typ', 'kid', 'jku']);
      assert.deepEqual(Object.keys(list.payload), [
        'jti',
        'iss',
        'exp',
        'nbf',
        'json_schema',
        'ververs_tijdstip',
        'revocaties',
      ]);
      // The real output's shape (reference README): times as strings, camelCase entries.
      const real = decodePart(
        readFileSync(join(VECTORS, 'spec-v0.7-revocatielijst-example.jwt'), 'utf8').split('.')[1]!,
      );
      for (const key of ['jti', 'iss', 'exp', 'nbf', 'ververs_tijdstip'])
        assert.equal(typeOf(list.payload[key]), typeOf(real[key]), key);
      for (const key of ['exp', 'nbf', 'ververs_tijdstip'])
        assert.match(list.payload[key] as string, /^[0-9]+$/);
      assert.equal(list.payload.iss, dezi.url);
      assert.equal(list.payload.json_schema, 'https://www.dezi.nl/json_schemas/v1/revocatielijst.json');
      const nbf = Number(list.payload.nbf);
      assert.equal(
        Number(list.payload.ververs_tijdstip) - nbf,
        DEFAULT_KOPPELVLAK.revocationListRefreshSeconds,
      );
      assert.equal(Number(list.payload.exp) - nbf, DEFAULT_KOPPELVLAK.revocationListValiditySeconds);
      const entries = list.payload.revocaties as Record<string, unknown>[];
      const entry = entries.find((e) => e.verklaringId === info.verklaring.verklaring_id);
      assert.ok(entry, 'the revoked verklaring is listed');
      assert.deepEqual(Object.keys(entry), Object.keys((real.revocaties as Record<string, unknown>[])[0]!));
      assert.match(entry.revocatieTijdstip as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
      assert.ok(Math.abs(Date.parse(entry.revocatieTijdstip as string) - Date.now()) < 60_000);
    });

    test('the list is served from memory: a hundred pollers cost no query and no signature; 304 with its ETag', async () => {
      await dezi.revocationList.rebuild();
      const db = dezi.db as unknown as { query: (sql: string, params?: unknown[]) => Promise<unknown[]> };
      const original = db.query;
      let queries = 0;
      db.query = (sql, params) => {
        if (/verklaringen/.test(sql)) queries++;
        return original.call(dezi.db, sql, params);
      };
      let bodies: string[];
      try {
        bodies = await Promise.all(
          Array.from({ length: 100 }, async () => (await fetch(`${dezi.url}/revocatiecontrole/v1`)).text()),
        );
      } finally {
        db.query = original;
      }
      assert.equal(queries, 0, 'no query per request');
      assert.equal(new Set(bodies).size, 1, 'one signature for all of them');
      const first = await fetch(`${dezi.url}/revocatiecontrole/v1`);
      const etag = first.headers.get('etag')!;
      assert.match(first.headers.get('cache-control')!, /^public, max-age=\d+$/);
      const again = await fetch(`${dezi.url}/revocatiecontrole/v1`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      for (const path of [
        '/revocatiecontrole/v1',
        '/status/v1/verklaring/00000000-0000-4000-8000-000000000000',
      ]) {
        const post = await fetch(`${dezi.url}${path}`, { method: 'POST' });
        assert.equal(post.status, 405, path);
        assert.equal(post.headers.get('allow'), 'GET, HEAD');
        assert.match(post.headers.get('content-type')!, /^application\/problem\+json/);
      }
    });

    test('status errors as §6.2.4: 400 malformed, 404 problem+json', async () => {
      const id = '81f3eff2-e032-4c51-a422-2abfb64e6998';
      const res = await fetch(`${dezi.url}/status/v1/verklaring/${id}`);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), {
        type: 'about:blank',
        title: 'Resource is not found',
        status: 404,
        detail: `Verklaring met id ${id} niet gevonden`,
        instance: `/status/v1/verklaring/${id}`,
        method: 'GET',
      });
      const bad = await fetch(`${dezi.url}/status/v1/verklaring/81f3eff2`);
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { status: number }).status, 400);
    });

    test('the eSeal JWKS as the acceptance one: kid a UUID, x5c, x5t, x5t#S256, no use or alg', async () => {
      const set = (await (await fetch(`${dezi.url}/dezi/jwks.json`)).json()) as {
        keys: Record<string, unknown>[];
      };
      const acceptance = JSON.parse(readFileSync(join(VECTORS, 'acceptatie-jwks.json'), 'utf8')) as {
        keys: Record<string, unknown>[];
      };
      const key = set.keys.find((k) => k.kid === dezi.eseal.current.kid)!;
      assert.deepEqual(Object.keys(key), Object.keys(acceptance.keys[0]!));
      const der = Buffer.from((key.x5c as string[])[0]!, 'base64');
      assert.equal(key.x5t, createHash('sha1').update(der).digest('base64url'));
      assert.equal(key['x5t#S256'], createHash('sha256').update(der).digest('base64url'));
      // The id_token keys are elsewhere, and are not the eSeal key.
      const idKeys = (await (await fetch(`${dezi.url}/openid/connect/jwks.json`)).json()) as {
        keys: Record<string, unknown>[];
      };
      assert.ok(idKeys.keys.length > 0);
      assert.ok(!idKeys.keys.some((k) => k.n === key.n));
      // /jwks, where the id_token keys were before, sends there.
      const old = await fetch(`${dezi.url}/jwks`, { redirect: 'manual' });
      assert.equal(old.status, 308);
      assert.equal(old.headers.get('location'), '/openid/connect/jwks.json');
    });

    test('the eSeal rotates without a restart: the new one signs, the old one stays published', async () => {
      const before = dezi.eseal.current.kid;
      const rp = specRp(dezi.url, plainClient, REDIRECT, [dezi.testEseal!.caPem]);
      const earlier = await rp.userinfo((await rp.token(await rp.login(JANSEN.bsn))).access_token);
      await dezi.testEseal!.rotate();
      assert.equal(await dezi.eseal.refresh(), true);
      const after = dezi.eseal.current.kid;
      assert.notEqual(after, before);
      const kids = (
        (await (await fetch(`${dezi.url}/dezi/jwks.json`)).json()) as { keys: { kid: string }[] }
      ).keys.map((k) => k.kid);
      assert.deepEqual(kids.slice(0, 2), [after, before], 'the new key first, the old one still published');
      // The verklaring issued before still verifies through its jku; a new one is signed with the new key.
      const reused = await rp.userinfo((await rp.token(await rp.login(JANSEN.bsn))).access_token);
      assert.equal(
        reused.verklaring.verklaring_id,
        earlier.verklaring.verklaring_id,
        're-used, signed before',
      );
      // A change that revokes it: the next login gets a new verklaring, signed with the new eSeal.
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(JANSEN.bsn)))!;
      await dezi.register.changeName(
        person.id,
        { voorletters: 'J.', voorvoegsel: null, achternaam: 'Jansen-Rotatie' },
        OPERATOR,
      );
      const fresh = await rp.userinfo((await rp.token(await rp.login(JANSEN.bsn))).access_token);
      assert.equal(earlier.verklaringHeader.kid, before);
      assert.equal(fresh.verklaringHeader.kid, after);
      assert.equal(
        decodeProtectedHeader(await (await fetch(`${dezi.url}/revocatiecontrole/v1`)).text()).kid,
        after,
      );
    });

    test('a public client: no PKCE, plain, wrong verifier, a replayed code, redirect mismatch are refused', async () => {
      const authorize = (params: Record<string, string>) => {
        const url = new URL(`${dezi.url}/authorize`);
        url.search = new URLSearchParams({
          response_type: 'code',
          client_id: plainClient,
          redirect_uri: REDIRECT,
          scope: 'openid',
          state: 'st',
          ...params,
        }).toString();
        return new Browser().request(url.href);
      };
      const errorOf = (location: string | null) => new URL(location!).searchParams.get('error');
      assert.equal(errorOf((await authorize({})).location), 'invalid_request', 'no PKCE');
      assert.equal(
        errorOf(
          (await authorize({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })).location,
        ),
        'invalid_request',
      );
      const mismatch = await authorize({
        redirect_uri: 'https://attacker.example/cb',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      });
      assert.equal(mismatch.status, 400);
      assert.equal(mismatch.location, null, 'no redirect to an unregistered URI');
      // form_post and fragment are refused: only the query response mode (§4.1).
      const formPost = await authorize({
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
        response_mode: 'form_post',
      });
      assert.equal(formPost.status, 303);
      assert.equal(errorOf(formPost.location), 'unsupported_response_mode');

      const rp = specRp(dezi.url, plainClient, REDIRECT);
      const token = (code: string, o: Record<string, string>) =>
        fetch(`${dezi.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: plainClient, ...o }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
      const out = await rp.login(JANSEN.bsn);
      const code = new URL(out.final.location!).searchParams.get('code')!;
      const wrongVerifier = await token(code, {
        redirect_uri: REDIRECT,
        code_verifier: base64url.encode(randomBytes(32)),
      });
      assert.deepEqual([wrongVerifier.status, wrongVerifier.body.error], [400, 'invalid_grant']);
      const noVerifier = await token(code, { redirect_uri: REDIRECT });
      assert.equal(noVerifier.status, 400);
      const noRedirect = await token(code, { code_verifier: out.verifier });
      assert.deepEqual([noRedirect.status, noRedirect.body.error], [400, 'invalid_request']);
      const otherRedirect = await token(code, {
        redirect_uri: 'https://applicatie.zorgclient.test/other',
        code_verifier: out.verifier,
      });
      assert.equal(otherRedirect.status, 400);
      // Nothing above used the code up; then it is redeemed once, and a replay revokes its tokens.
      const first = await rp.token(out);
      await rp.userinfo(first.access_token);
      const replay = await token(code, { redirect_uri: REDIRECT, code_verifier: out.verifier });
      assert.deepEqual([replay.status, replay.body.error], [400, 'invalid_grant']);
      const revoked = await fetch(`${dezi.url}/userinfo`, {
        headers: { authorization: `Bearer ${first.access_token}` },
      });
      assert.equal(revoked.status, 401);
    });

    test('a public client cannot use what needs client authentication: PAR, request objects, keys to sign', async () => {
      const par = await fetch(`${dezi.url}/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: plainClient,
          response_type: 'code',
          redirect_uri: REDIRECT,
          scope: 'openid',
          code_challenge: 'a'.repeat(43),
          code_challenge_method: 'S256',
        }),
      });
      assert.equal(par.status, 400);
      assert.match(
        ((await par.json()) as { error_description: string }).error_description,
        /client authentication/,
      );

      // A request object signed with some key: a public client has none Dezi could trust.
      const { privateKey } = await crypto.subtle.generateKey(
        {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        true,
        ['sign', 'verify'],
      );
      const request = await new SignJWT({
        response_type: 'code',
        client_id: plainClient,
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(plainClient)
        .setAudience(dezi.url)
        .sign(privateKey);
      const url = new URL(`${dezi.url}/authorize`);
      url.search = new URLSearchParams({
        client_id: plainClient,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: REDIRECT,
        request,
      }).toString();
      const jar = await new Browser().request(url.href);
      // The error goes back to the (registered) redirect URI, naming the reason.
      assert.equal(jar.status, 303, jar.body.slice(0, 300));
      const location = new URL(jar.location!);
      assert.equal(location.searchParams.get('error'), 'invalid_request_object');
      assert.match(location.searchParams.get('error_description')!, /client authentication/);

      const { jwks } = await import('./helpers/rp.ts').then((m) => m.keyMaterial());
      for (const extra of [
        { jwks: { keys: [jwks.keys[0]] } },
        { require_pushed_authorization_requests: true },
        { require_signed_request_object: true },
      ]) {
        const refused = await registerPublic(dezi.url, extra);
        assert.equal(refused.status, 400, JSON.stringify(extra));
        assert.equal(refused.body.error, 'invalid_client_metadata');
      }
    });

    test('a certificate that expired since registration: userinfo refuses and says why, not sends in clear', async () => {
      const cert = await encryptionCertificate();
      const registered = await registerPublic(dezi.url, {
        jwks: { keys: [{ kty: 'RSA', use: 'enc', x5c: [cert.x5c] }] },
      });
      assert.equal(registered.status, 201);
      const clientId = registered.body.client_id as string;
      // Time passes: the stored certificate is now one that has expired (same key).
      const expired = await encryptionCertificate({
        keys: cert.keys,
        notAfter: new Date(Date.now() - 60_000),
      });
      await dezi.db.query(
        `UPDATE oidc_payloads SET payload = jsonb_set(payload, '{jwks,keys,0,x5c}', $2::jsonb)
         WHERE model = 'Client' AND id = $1`,
        [clientId, JSON.stringify([expired.x5c])],
      );
      await new Promise((r) => setTimeout(r, CLIENT_CACHE_MS + 100)); // instances re-read clients
      const rp = specRp(dezi.url, clientId, REDIRECT);
      const tokens = await rp.token(await rp.login(JANSEN.bsn));
      const res = await fetch(`${dezi.url}/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_token');
      assert.match(
        res.headers.get('www-authenticate')!,
        /encryption certificate registered for this client expired/,
      );
    });

    test('a registered certificate is checked: size, key usage, validity, its key; a clear error', async () => {
      const now = Date.now();
      const cases: [Awaited<ReturnType<typeof encryptionCertificate>>, RegExp][] = [
        [await encryptionCertificate({ bits: 1024 }), /at least 2048/],
        [await encryptionCertificate({ keyUsage: 'digitalSignature' }), /key usage lacks keyEncipherment/],
        [await encryptionCertificate({ notAfter: new Date(now - 86_400_000) }), /expired on/],
        [await encryptionCertificate({ notBefore: new Date(now + 86_400_000) }), /not valid before/],
      ];
      for (const [cert, message] of cases) {
        const refused = await registerPublic(dezi.url, {
          jwks: { keys: [{ kty: 'RSA', use: 'enc', x5c: [cert.x5c] }] },
        });
        assert.equal(refused.status, 400);
        assert.match(refused.body.error_description as string, message);
      }
      const good = await encryptionCertificate();
      const other = await encryptionCertificate();
      const otherKey = new X509Certificate(Buffer.from(other.x5c, 'base64')).publicKey.export({
        format: 'jwk',
      });
      const mismatch = await registerPublic(dezi.url, {
        jwks: { keys: [{ kty: 'RSA', use: 'enc', n: otherKey.n, e: otherKey.e, x5c: [good.x5c] }] },
      });
      assert.equal(mismatch.status, 400);
      assert.match(mismatch.body.error_description as string, /do not match/);
      const garbage = await registerPublic(dezi.url, {
        jwks: { keys: [{ kty: 'RSA', use: 'enc', x5c: ['bm90IGEgY2VydA=='] }] },
      });
      assert.equal(garbage.status, 400);
      assert.match(garbage.body.error_description as string, /not a valid X\.509 certificate/);
    });
  });

describe('the revocation list on its schedule', () => {
  test('a revocation appears within the refresh interval, without anyone asking for a rebuild', async () => {
    const dezi = await startDezi({
      config: {
        koppelvlak: {
          ...DEFAULT_KOPPELVLAK,
          revocationListRefreshSeconds: 1,
          revocationListValiditySeconds: 60,
        },
      },
    });
    try {
      const registered = await registerPublic(dezi.url);
      const rp = specRp(dezi.url, registered.body.client_id as string, REDIRECT);
      const info = await rp.userinfo((await rp.token(await rp.login(JANSEN.bsn))).access_token);
      const id = info.verklaring.verklaring_id as string;
      const listed = async () =>
        ((await rp.revocationList()).payload.revocaties as { verklaringId: string }[]).some(
          (r) => r.verklaringId === id,
        );
      assert.equal(await listed(), false);
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(JANSEN.bsn)))!;
      await dezi.register.setPersonStatus(person.id, 'suspended', OPERATOR);
      const revokedAt = Date.now();
      while (!(await listed())) {
        assert.ok(Date.now() - revokedAt < 2500, 'listed within the 1-second refresh (and a margin)');
        await new Promise((r) => setTimeout(r, 100));
      }
      const list = await rp.revocationList();
      assert.equal(Number(list.payload.ververs_tijdstip) - Number(list.payload.nbf), 1);
      assert.equal(Number(list.payload.exp) - Number(list.payload.nbf), 60);
    } finally {
      await dezi.stop();
    }
  });
});

describe('the eSeal in production: refused unless it is usable', () => {
  test("a certificate that is not the key's, expired, too small or not for signing; start refuses", async () => {
    const database = await openTestDatabase('pglite');
    try {
      await migrate(database.db);
      const eseal = await loadTestEseal(null);
      const good = await eseal.source.read();
      const other = await eseal.issue();
      const cases: [{ keyPem: string; chainPem: string }, RegExp][] = [
        [{ keyPem: other.keyPem, chainPem: good.chainPem }, /does not belong to the eSeal private key/],
        [
          await eseal.issue({
            notBefore: new Date(Date.now() - 4e10),
            notAfter: new Date(Date.now() - 86_400_000),
          }),
          /expired on/,
        ],
        [await eseal.issue({ modulusLength: 1024 }), /at least 2048/],
        [
          await eseal.issue({ keyUsage: x509.KeyUsageFlags.keyEncipherment }),
          /key usage lacks digitalSignature or nonRepudiation/,
        ],
        [{ keyPem: 'nothing', chainPem: good.chainPem }, /exactly one PEM private key/],
        [{ keyPem: good.keyPem, chainPem: 'nothing' }, /holds no PEM certificate/],
      ];
      for (const [material, message] of cases) {
        const files = await testEsealFiles(material);
        await assert.rejects(
          EsealRing.open(database.db, fileEsealSource(files.keyFile, files.certFile), 3600),
          (err: Error) => err instanceof CertificateError && message.test(err.message),
          String(message),
        );
      }
      // Nothing of a refused eSeal was registered.
      assert.deepEqual(await database.db.query('SELECT kid FROM eseal_certificates'), []);
    } finally {
      await database.close();
    }
  });

  const { deziWith } = cliSandbox('dezi-eseal-', { DEZI_MODE: 'production', PORT: '0' });
  test('dezi start in production: without an eSeal, or with a mismatched one, it says why and stops', async () => {
    await assert.rejects(
      deziWith({}, 'start'),
      (e: { code: number; stderr: string }) =>
        e.code !== 0 && /DEZI_ESEAL_KEY_FILE and DEZI_ESEAL_CERT_FILE are required/.test(e.stderr),
    );
    const eseal = await loadTestEseal(null);
    const files = await testEsealFiles({
      keyPem: (await eseal.issue()).keyPem,
      chainPem: (await eseal.source.read()).chainPem,
    });
    await assert.rejects(
      deziWith({ DEZI_ESEAL_KEY_FILE: files.keyFile, DEZI_ESEAL_CERT_FILE: files.certFile }, 'start'),
      (e: { code: number; stderr: string }) =>
        e.code === 1 &&
        /does not belong to the eSeal private key/.test(e.stderr) &&
        !/at .*\.ts:/.test(e.stderr),
    );
  });
});
