// The wallet issuer in a running Dezi (issue 11, §1): its TEST key under the proeftuin's TEST CA with
// the issuer's host in the SAN, the credential type's metadata read by @sd-jwt's own schema, and the
// status list served over HTTP as @sd-jwt's verifier fetches it: a credential whose employment ended
// is refused by that verifier, another one accepted. Then the key checks that stop a wrong key at start.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, exportJWK, generateKeyPair, importX509, jwtVerify, type JWK } from 'jose';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance, TypeMetadataFormatSchema } from '@sd-jwt/sd-jwt-vc';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import { Bsn } from '../src/means/bsn.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { loadTestEseal } from '../src/proeftuin/eseal-pki.ts';
import type { Actor } from '../src/audit/audit.ts';
import { ConfigError } from '../src/config.ts';
import { DISCLOSABLE, holderKey, type VerklaringClaims } from '../src/wallet/credential.ts';
import { issuerKeyFrom } from '../src/wallet/issuer-key.ts';
import { TYPE_METADATA_PATH } from '../src/wallet/type-metadata.ts';
import { REVOKED, VALID } from '../src/wallet/status-list.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';

const OPERATOR: Actor = { kind: 'operator', name: 'wallet-issuer-test' };

for (const backend of BACKENDS)
  describe(`the wallet issuer in a running Dezi (${backend})`, () => {
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

    /** A credential for a seed person's first employment, as the issuer makes it from a verklaring. */
    async function credentialFor(achternaam: string, holder: { jwk: JWK; jkt: string }) {
      const seed = SEED_PERSONS.find((p) => p.achternaam === achternaam)!;
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(seed.bsn)))!;
      const [employment] = await dezi.register.activeEmployments(person.id);
      const v = await dezi.verklaringen.forEmployment(person, employment!);
      const payload = decodeJwt(v.jws) as unknown as VerklaringClaims & { exp: number };
      const issued = await dezi.wallet!.credentials.issue(
        {
          claims: payload,
          exp: payload.exp,
          personId: person.id,
          employmentId: employment!.id,
          abonneeId: employment!.abonnee.id,
        },
        holder,
        OPERATOR,
      );
      return { ...issued, employment: employment! };
    }

    test('the TEST issuer certificate: P-256 under the TEST CA, the issuer host in its SAN', () => {
      const [leaf, ca] = dezi.wallet!.key.x5c.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
      assert.ok(leaf && ca);
      assert.equal(leaf.publicKey.asymmetricKeyType, 'ec');
      assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      assert.ok(leaf.verify(ca.publicKey), 'issued by the next certificate');
      assert.equal(
        ca.fingerprint256,
        new X509Certificate(dezi.testEseal!.caPem).fingerprint256,
        'the TEST CA',
      );
      assert.ok(leaf.checkHost('localhost'), 'the issuer host in the SAN');
    });

    test('the type metadata: where the vct points, valid by @sd-jwt-vc’s schema, Dutch and English, sd as issued', async () => {
      assert.equal(dezi.wallet!.vct, `${dezi.url}${TYPE_METADATA_PATH}`);
      const res = await fetch(dezi.wallet!.vct);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const metadata = TypeMetadataFormatSchema.parse(await res.json());
      assert.equal(metadata.vct, dezi.wallet!.vct);
      assert.deepEqual(
        metadata.display?.map((d) => d.locale),
        ['nl-NL', 'en-US'],
      );
      const always = metadata.claims!.filter((c) => c.sd === 'always').map((c) => c.path[0]);
      assert.deepEqual(always.sort(), [...DISCLOSABLE].sort());
      for (const c of metadata.claims!)
        assert.deepEqual(
          c.display?.map((d) => d.locale),
          ['nl-NL', 'en-US'],
          `${String(c.path[0])} labelled in both languages`,
        );
    });

    test('the status list over HTTP: signed by the issuer, and @sd-jwt’s verifier refuses the revoked credential', async () => {
      const { publicKey } = await generateKeyPair('ES256', { extractable: true });
      const holder = await holderKey(await exportJWK(publicKey));
      const ended = await credentialFor('Smit', holder);
      const kept = await credentialFor('Jansen', holder);
      // Revoked before the list is first served, so that this process's cache holds the bit.
      await dezi.register.endEmployment(ended.employment.id, OPERATOR);

      // Issued from the whole verklaring payload: the credential has its own envelope, not the verklaring's.
      const kept0 = decodeJwt(kept.credential.split('~')[0]!);
      assert.equal(kept0.iss, dezi.url);
      assert.deepEqual(Object.keys(kept0).sort(), [
        '_sd',
        '_sd_alg',
        'cnf',
        'dezi_nummer',
        'exp',
        'iat',
        'iss',
        'loa_dezi',
        'nbf',
        'status',
        'vct',
        'verklaring_id',
      ]);
      const uri = (decodeJwt(ended.credential.split('~')[0]!).status as { status_list: { uri: string } })
        .status_list.uri;
      const res = await fetch(uri);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/statuslist+jwt');
      assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
      const token = await res.text();
      const leafPem = new X509Certificate(Buffer.from(dezi.wallet!.key.x5c[0]!, 'base64')).toString();
      const { payload } = await jwtVerify(token, await importX509(leafPem, 'ES256'), {
        typ: 'statuslist+jwt',
      });
      assert.equal(payload.sub, uri);
      const list = getListFromStatusListJWT(token);
      assert.equal(ended.status.listId, kept.status.listId, 'one list holds both (it is far from half full)');
      assert.equal(list.getStatus(ended.status.idx), REVOKED);
      assert.equal(list.getStatus(kept.status.idx), VALID);

      // The library's own status fetch over HTTP and its own checks; the issuer key from the x5c leaf.
      const issuerJwk = await exportJWK(await importX509(leafPem, 'ES256', { extractable: true }));
      const issuerVerifier = await ES256.getVerifier(issuerJwk as Parameters<typeof ES256.getVerifier>[0]);
      const verifier = new SDJwtVcInstance({
        verifier: issuerVerifier,
        statusVerifier: issuerVerifier,
        hasher: digest,
      });
      const accepted = await verifier.verify(kept.credential);
      assert.equal((accepted.payload as Record<string, unknown>).achternaam, 'Jansen');
      await assert.rejects(verifier.verify(ended.credential), /[Ss]tatus/);
    });

    test('an unknown or malformed status list id is a 404 problem, and the server keeps serving', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%27%3B--']) {
        const res = await fetch(`${dezi.url}/wallet/statuslists/${id}`);
        assert.equal(res.status, 404, id);
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        assert.doesNotMatch(await res.text(), /at .*\.ts:\d+/);
      }
      assert.equal((await fetch(dezi.wallet!.vct)).status, 200);
    });
  });

test('a wallet issuer key that does not fit stops Dezi at start, with the reason', async () => {
  const testCa = await loadTestEseal(null);
  const good = await testCa.walletIssuer('dezi.example');
  assert.ok(issuerKeyFrom(good, 'https://dezi.example').x5c.length === 2);
  const other = await testCa.walletIssuer('elders.example');
  const rsa = await testCa.source.read();
  const cases: [{ keyPem: string; chainPem: string }, string, RegExp][] = [
    [good, 'https://andere.example', /SAN does not name andere\.example/],
    [
      { keyPem: other.keyPem, chainPem: good.chainPem },
      'https://dezi.example',
      /not for the wallet issuer key/,
    ],
    [rsa, 'https://dezi.example', /EC P-256/],
    [{ keyPem: 'no key', chainPem: good.chainPem }, 'https://dezi.example', /not a PEM private key/],
    [{ keyPem: good.keyPem, chainPem: 'no certificate' }, 'https://dezi.example', /no PEM certificate/],
    [
      {
        keyPem: good.keyPem,
        chainPem: `${good.chainPem.split('-----END CERTIFICATE-----')[0]}-----END CERTIFICATE-----\n${rsa.chainPem}`,
      },
      'https://dezi.example',
      /not issued by/,
    ],
  ];
  for (const [material, issuer, reason] of cases)
    assert.throws(
      () => issuerKeyFrom(material, issuer),
      (err: Error) => err instanceof ConfigError && reason.test(err.message),
    );
});
