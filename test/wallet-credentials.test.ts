// The verklaring in a wallet, its storage half (issue 11, §1): the IETF Token Status List against the
// draft's own example, indices drawn at random and lists filled to half, the signed statuslist+jwt;
// the SD-JWT VC issued from a real verklaring, read back by @sd-jwt's verifier and by hand; and the
// register's changes revoking the credentials (status bit and row) in their own transaction.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importX509,
  jwtVerify,
  type JWK,
} from 'jose';
import { StatusList, getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import { migrate } from '../src/db/migrate.ts';
import type { Database } from '../src/db/database.ts';
import { Secrets } from '../src/secrets.ts';
import { Register, type Person } from '../src/register/register.ts';
import { Bsn } from '../src/means/bsn.ts';
import { LOA } from '../src/means/loa.ts';
import { VerklaringService } from '../src/verklaring/verklaring.ts';
import type { Actor } from '../src/audit/audit.ts';
import { onRegisterInvalidated } from '../src/invalidation.ts';
import { compressList, StatusLists, REVOKED, VALID } from '../src/wallet/status-list.ts';
import {
  DISCLOSABLE,
  holderKey,
  HolderKeyError,
  type IssuerKey,
  type VerklaringClaims,
} from '../src/wallet/credential.ts';
import { statusListUri, WalletCredentials, type CredentialSource } from '../src/wallet/credentials.ts';
import { generatedBsns } from '../bench/register-data.ts';
import { BACKENDS, openTestDatabase, TEST_SECRET } from './helpers/dezi.ts';
import { selfSignedIssuer } from './helpers/wallet.ts';
import { testEsealKey, verklaringSettings } from './helpers/eseal.ts';

const ISSUER = 'https://dezi.test';
const OPERATOR: Actor = { kind: 'operator', name: 'wallet-test' };
const VCT = 'https://dezi.test/wallet/vct/dezi-verklaring';
const bsnSource = generatedBsns();
const nextBsn = () => Bsn.parse(bsnSource.next().value as string);

/** A status list token signed the way the route signs it: ES256, x5c, typ statuslist+jwt. */
function signerFor(key: IssuerKey) {
  return async (payload: Record<string, unknown>, header: Record<string, unknown>) => {
    const { SignJWT, importJWK } = await import('jose');
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', x5c: key.x5c, ...header })
      .sign(await importJWK(key.privateJwk, 'ES256'));
  };
}

test('the status list draft example: 16 one-bit statuses compress to its lst, and back', () => {
  // draft-ietf-oauth-status-list §4.1: status[0]=1, [1]=0, [2]=0, [3]=1, [4]=1, [5]=1, [6]=0, [7]=1,
  // [8]=1, [9]=1, [10]=0, [11]=0, [12]=0, [13]=1, [14]=0, [15]=1 → bytes B9 A3 → eNrbuRgAAhcBXQ.
  assert.equal(compressList(new Uint8Array([0xb9, 0xa3]), 16), 'eNrbuRgAAhcBXQ');
  const back = StatusList.decompressStatusList('eNrbuRgAAhcBXQ', 1);
  assert.deepEqual(
    Array.from({ length: 16 }, (_, i) => back.getStatus(i)),
    [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1],
  );
});

for (const backend of BACKENDS)
  describe(`wallet credentials and their status lists (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let db: Database;
    let register: Register;
    let verklaringen: VerklaringService;
    let issuerKey: Awaited<ReturnType<typeof selfSignedIssuer>>;
    let credentials: WalletCredentials;
    let holder: { jwk: JWK; jkt: string; privateJwk: JWK };

    before(async () => {
      database = await openTestDatabase(backend);
      db = database.db;
      await migrate(db);
      const eseal = await testEsealKey();
      verklaringen = new VerklaringService(db, verklaringSettings(ISSUER), () => eseal);
      register = new Register(db, new Secrets(TEST_SECRET), {
        onInvalidated: onRegisterInvalidated,
        big: { registrationsOf: async () => [] },
      });
      issuerKey = await selfSignedIssuer('dezi.test');
      credentials = new WalletCredentials(
        db,
        new StatusLists(db, { size: 64 }),
        { iss: ISSUER, vct: VCT, statusBase: ISSUER },
        () => issuerKey,
      );
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      holder = { ...(await holderKey(await exportJWK(publicKey))), privateJwk: await exportJWK(privateKey) };
    });
    after(async () => database?.close());

    let abonneeCounter = 20_000_000;
    async function employed(achternaam = 'Wallet', voorvoegsel: string | null = null) {
      const person = await register.registerPerson(
        { bsn: nextBsn(), voorletters: 'W.', voorvoegsel, achternaam, loaDezi: LOA.high },
        OPERATOR,
      );
      const abonnee = await register.createAbonnee(
        { abonneeNummer: String(++abonneeCounter), naam: `Zorg ${abonneeCounter}`, kvk: '12345678' },
        OPERATOR,
      );
      const employment = await register.createEmployment(
        { personId: person.id, abonneeId: abonnee.id, rolCode: '86.000', rolCodeBron: 'abonnee' },
        OPERATOR,
      );
      return { person, abonnee, employment };
    }

    /** What the issuer takes from a verklaring: its claims as the verklaring carries them. */
    async function sourceFor(
      person: Person,
      e: Awaited<ReturnType<typeof employed>>,
    ): Promise<CredentialSource> {
      const v = await verklaringen.forEmployment(person, e.employment);
      // The whole payload, as the issuance endpoint hands it over: the issuer picks the claims.
      const claims = decodeJwt(v.jws) as unknown as VerklaringClaims & { exp: number };
      return {
        claims,
        exp: claims.exp,
        personId: person.id,
        employmentId: e.employment.id,
        abonneeId: e.abonnee.id,
      };
    }

    const rowOf = async (id: string) =>
      (
        await db.query<{ revoked_at: Date | null; revocation_reason: string | null; holder_jkt: string }>(
          'SELECT revoked_at, revocation_reason, holder_jkt FROM wallet_credentials WHERE id = $1',
          [id],
        )
      )[0]!;

    test('a credential from a verklaring: dc+sd-jwt, ES256 with x5c, cnf.jwk, status, flat claims, the right ones disclosable', async () => {
      const e = await employed('Wallet', 'van');
      const source = await sourceFor(e.person, e);
      const issued = await credentials.issue(source, holder, OPERATOR);

      const [jwt, ...rest] = issued.credential.split('~');
      assert.equal(rest.at(-1), '', 'an SD-JWT without key binding ends in ~');
      const disclosures = rest.slice(0, -1);
      const header = decodeProtectedHeader(jwt!);
      assert.equal(header.typ, 'dc+sd-jwt');
      assert.equal(header.alg, 'ES256');
      assert.deepEqual(header.x5c, issuerKey.x5c);
      // The issuer signature through the x5c leaf, with jose (not the library that made it).
      await compactVerify(jwt!, await importX509(issuerKey.certPem, 'ES256'));

      const payload = decodeJwt(jwt!) as Record<string, unknown>;
      assert.equal(payload.iss, ISSUER);
      assert.equal(payload.vct, VCT);
      assert.equal(payload.exp, source.exp);
      assert.deepEqual(payload.cnf, { jwk: holder.jwk });
      assert.deepEqual(payload.status, {
        status_list: { idx: issued.status.idx, uri: statusListUri(ISSUER, issued.status.listId) },
      });
      assert.equal(payload._sd_alg, 'sha-256');
      // Always shown: who, at which level, which verklaring.
      assert.equal(payload.dezi_nummer, e.person.deziNummer);
      assert.equal(payload.loa_dezi, source.claims.loa_dezi);
      assert.equal(payload.verklaring_id, source.claims.verklaring_id);
      for (const name of DISCLOSABLE) assert.ok(!(name in payload), `${name} is not in the clear`);

      // Each disclosure: [salt (128 bits), name, value], its digest in _sd (RFC 9901 §4.2.3).
      const sd = payload._sd as string[];
      assert.equal(disclosures.length, DISCLOSABLE.length);
      assert.equal(sd.length, DISCLOSABLE.length);
      const disclosed: Record<string, unknown> = {};
      for (const d of disclosures) {
        const [salt, name, value] = JSON.parse(Buffer.from(d, 'base64url').toString()) as [
          string,
          string,
          unknown,
        ];
        assert.ok(Buffer.from(salt, 'base64url').length >= 16, 'a salt of at least 128 bits');
        assert.ok(
          sd.includes(createHash('sha256').update(d).digest('base64url')),
          `${name}'s digest is in _sd`,
        );
        disclosed[name] = value;
      }
      assert.deepEqual(disclosed, {
        voorletters: 'W.',
        voorvoegsel: 'van',
        achternaam: 'Wallet',
        abonnee_nummer: e.abonnee.abonneeNummer,
        abonnee_naam: e.abonnee.naam,
        rol_code: '86.000',
        rol_naam: source.claims.rol_naam,
        rol_code_bron: source.claims.rol_code_bron,
      });

      // @sd-jwt's verifier reads the same claims back; its status check fetches our status list
      // token and verifies it with the issuer's key too.
      const issuerJwk = await exportJWK(await importX509(issuerKey.certPem, 'ES256', { extractable: true }));
      const issuerVerifier = await ES256.getVerifier(issuerJwk as Parameters<typeof ES256.getVerifier>[0]);
      const fetched: string[] = [];
      const verifier = new SDJwtVcInstance({
        verifier: issuerVerifier,
        statusVerifier: issuerVerifier,
        statusListFetcher: async (uri) => {
          fetched.push(uri);
          const token = await credentials.lists.token(issued.status.listId, {
            uri,
            iss: ISSUER,
            sign: signerFor(issuerKey),
          });
          return token!;
        },
        hasher: digest,
      });
      const verified = await verifier.verify(issued.credential);
      assert.equal((verified.payload as Record<string, unknown>).achternaam, 'Wallet');
      assert.deepEqual(fetched, [statusListUri(ISSUER, issued.status.listId)]);

      // The row: the holder key's thumbprint, nothing of the claims; the issue audited.
      assert.equal((await rowOf(issued.id)).holder_jkt, holder.jkt);
      const audit = await db.query<{ action: string; detail: Record<string, unknown> }>(
        `SELECT action, detail FROM audit_events WHERE target = $1`,
        [`wallet_credential:${issued.id}`],
      );
      assert.deepEqual(
        audit.map((a) => a.action),
        ['wallet.credential.issue'],
      );
      assert.equal(audit[0]!.detail.verklaring_id, source.claims.verklaring_id);
    });

    test('no voorvoegsel: the claim is left out, not disclosed as null', async () => {
      const e = await employed('Zonder');
      const issued = await credentials.issue(await sourceFor(e.person, e), holder, OPERATOR);
      const names = issued.credential
        .split('~')
        .slice(1, -1)
        .map((d) => (JSON.parse(Buffer.from(d, 'base64url').toString()) as unknown[])[1]);
      assert.ok(!names.includes('voorvoegsel'));
      assert.equal(names.length, DISCLOSABLE.length - 1);
    });

    test('a holder key must be a public EC P-256 JWK', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const rsa = await generateKeyPair('RS256', { extractable: true });
      const p384 = await generateKeyPair('ES384', { extractable: true });
      for (const bad of [
        await exportJWK(privateKey),
        await exportJWK(rsa.publicKey),
        await exportJWK(p384.publicKey),
        'not a key',
        null,
        [],
      ])
        await assert.rejects(holderKey(bad), HolderKeyError);
      // Extra members (kid, use, alg) are dropped: cnf.jwk carries the key only.
      const ok = await holderKey({ ...holder.jwk, kid: 'k1', use: 'sig' });
      assert.deepEqual(Object.keys(ok.jwk).sort(), ['crv', 'kty', 'x', 'y']);
      assert.equal(ok.jkt, holder.jkt);
    });

    test('indices are drawn at random, unique, and a list is filled to half before the next one starts', async () => {
      const lists = new StatusLists(db, { size: 16 });
      // A list of its own: the other tests' lists are 64 long and less than half full.
      await db.query('UPDATE wallet_status_lists SET allocated = size / 2');
      const drawn = await db.transaction(async (tx) => {
        const out = [];
        for (let i = 0; i < 12; i++) out.push(await lists.allocate(tx));
        return out;
      });
      const byList = Map.groupBy(drawn, (d) => d.listId);
      assert.deepEqual(
        [...byList.values()].map((l) => l.length),
        [8, 4],
      );
      for (const l of byList.values()) assert.equal(new Set(l.map((d) => d.idx)).size, l.length, 'unique');
      assert.ok(drawn.every((d) => d.idx >= 0 && d.idx < 16));
      // Random, not in order: 8 draws from 16 in ascending order 0..7 has odds of 1 in 12870.
      const first = byList
        .values()
        .next()
        .value!.map((d) => d.idx);
      assert.notDeepEqual(first, [0, 1, 2, 3, 4, 5, 6, 7]);
    });

    test('ending an employment revokes its credential: the row, the bit, the audit; another employment keeps its own', async () => {
      const e = await employed('Einde');
      const other = await employed('Anders');
      const ended = await credentials.issue(await sourceFor(e.person, e), holder, OPERATOR);
      const kept = await credentials.issue(await sourceFor(other.person, other), holder, OPERATOR);
      assert.equal(await credentials.lists.statusOf(ended.status), VALID);

      await register.endEmployment(e.employment.id, OPERATOR);

      assert.equal(await credentials.lists.statusOf(ended.status), REVOKED);
      assert.equal(await credentials.lists.statusOf(kept.status), VALID);
      const row = await rowOf(ended.id);
      assert.ok(row.revoked_at instanceof Date);
      assert.ok(row.revocation_reason);
      assert.equal((await rowOf(kept.id)).revoked_at, null);
      const audit = await db.query<{ actor: string }>(
        `SELECT actor FROM audit_events WHERE target = $1 AND action = 'wallet.credential.revoke'`,
        [`wallet_credential:${ended.id}`],
      );
      assert.equal(audit.length, 1);
      assert.match(audit[0]!.actor, /wallet-test/);
    });

    test('a name change and a suspended abonnee revoke what rests on them', async () => {
      const renamed = await employed('Oudenaam');
      const suspended = await employed('Bijabonnee');
      const a = await credentials.issue(await sourceFor(renamed.person, renamed), holder, OPERATOR);
      const b = await credentials.issue(await sourceFor(suspended.person, suspended), holder, OPERATOR);
      await register.changeName(
        renamed.person.id,
        { voorletters: 'W.', voorvoegsel: null, achternaam: 'Nieuwenaam' },
        OPERATOR,
      );
      assert.equal(await credentials.lists.statusOf(a.status), REVOKED);
      assert.equal(await credentials.lists.statusOf(b.status), VALID);
      await register.setAbonneeStatus(suspended.abonnee.id, 'suspended', OPERATOR);
      assert.equal(await credentials.lists.statusOf(b.status), REVOKED);
    });

    test('the status list token: ES256 with x5c, typ statuslist+jwt, sub the uri, ttl, the revoked bits; cached for its ttl', async () => {
      const e = await employed('Lijst');
      const issued = await credentials.issue(await sourceFor(e.person, e), holder, OPERATOR);
      const uri = statusListUri(ISSUER, issued.status.listId);
      const lists = new StatusLists(db, { size: 64 });
      const sign = signerFor(issuerKey);
      const before = await lists.token(issued.status.listId, { uri, iss: ISSUER, sign });
      assert.ok(before);
      const { payload, protectedHeader } = await jwtVerify(
        before,
        await importX509(issuerKey.certPem, 'ES256'),
        {
          typ: 'statuslist+jwt',
        },
      );
      assert.equal(payload.sub, uri);
      assert.equal(payload.iss, ISSUER);
      assert.ok(typeof payload.ttl === 'number' && payload.ttl > 0);
      assert.ok(payload.exp! > payload.iat!);
      assert.deepEqual(protectedHeader.x5c, issuerKey.x5c);
      assert.equal(getListFromStatusListJWT(before).getStatus(issued.status.idx), VALID);

      await register.endEmployment(e.employment.id, OPERATOR);
      // The same process serves the list it built until the ttl ends (a verifier caches it as long).
      assert.equal(await lists.token(issued.status.listId, { uri, iss: ISSUER, sign }), before);
      // A fresh cache (another instance, or after the ttl) shows the bit.
      const after = await new StatusLists(db, { size: 64 }).token(issued.status.listId, {
        uri,
        iss: ISSUER,
        sign,
      });
      assert.equal(getListFromStatusListJWT(after!).getStatus(issued.status.idx), REVOKED);

      assert.equal(
        await lists.token('00000000-0000-4000-8000-000000000000', { uri, iss: ISSUER, sign }),
        null,
      );
    });

    test('a change that fails after the revocation leaves the credential as it was', async () => {
      const e = await employed('Terug');
      const issued = await credentials.issue(await sourceFor(e.person, e), holder, OPERATOR);
      await assert.rejects(
        db.transaction(async (tx) => {
          await onRegisterInvalidated(tx, { employmentId: e.employment.id }, 'test', OPERATOR);
          throw new Error('the change fails after the revocation');
        }),
        /fails after/,
      );
      assert.equal(await credentials.lists.statusOf(issued.status), VALID);
      assert.equal((await rowOf(issued.id)).revoked_at, null);
    });
  });
