// Verifying a presented Dezi credential (issue 11, §2's checks): the holder is @sd-jwt's own
// presentation code with key binding; then the messages the specs forbid, built by hand: a tampered
// disclosure, a disclosure not in _sd, one presented twice, a wrong nonce or audience, a key binding
// too old, by another key or over another presentation, an expired or revoked credential, an issuer
// no anchor vouches for, a forged issuer signature, another type.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import {
  issueVerklaringCredential,
  type IssuerKey,
  type VerklaringClaims,
} from '../src/wallet/credential.ts';
import {
  PresentationError,
  verifyPresentation,
  type PresentationChecks,
} from '../src/wallet/presentation.ts';
import { selfSignedIssuer } from './helpers/wallet.ts';

const ISS = 'https://dezi.test';
const VCT = 'https://dezi.test/wallet/vct/dezi-verklaring';
const AUD = 'x509_hash:verifier';
const STATUS_URI = 'https://dezi.test/wallet/statuslists/00000000-0000-4000-8000-000000000001';
const CLAIMS: VerklaringClaims = {
  verklaring_id: '11111111-1111-4111-8111-111111111111',
  dezi_nummer: '900010001',
  loa_dezi: 'http://eidas.europa.eu/LoA/high',
  voorletters: 'J.',
  voorvoegsel: null,
  achternaam: 'Jansen',
  abonnee_nummer: '90000111',
  abonnee_naam: 'Huisartsenpraktijk De Linde',
  rol_code: '01.015',
  rol_naam: 'Huisarts',
  rol_code_bron: 'http://www.dezi.nl/rol_code_bron/big',
};

describe('verifying a presented Dezi credential', () => {
  let issuer: Awaited<ReturnType<typeof selfSignedIssuer>>;
  let holder: { privateJwk: JWK; publicJwk: JWK };
  let credential: string;
  const now = () => Math.floor(Date.now() / 1000);

  const checks = (o: Partial<PresentationChecks> = {}): PresentationChecks => ({
    issuers: [issuer.cert],
    vct: VCT,
    audience: AUD,
    nonce: 'nonce-1',
    statusOf: async () => 0,
    ...o,
  });

  async function issue(o: { iss?: string; exp?: number; key?: IssuerKey } = {}) {
    return issueVerklaringCredential({
      claims: CLAIMS,
      holderJwk: holder.publicJwk,
      status: { idx: 7, uri: STATUS_URI },
      iss: o.iss ?? ISS,
      vct: VCT,
      iat: now() - 10,
      exp: o.exp ?? now() + 3600,
      key: o.key ?? issuer,
    });
  }

  /** The holder's presentation, by @sd-jwt: the chosen disclosures and a KB-JWT. */
  async function present(cred: string, o: { aud?: string; nonce?: string; iat?: number } = {}) {
    const sdjwt = new SDJwtVcInstance({
      hasher: digest,
      kbSigner: await ES256.getSigner(holder.privateJwk as Parameters<typeof ES256.getSigner>[0]),
      kbSignAlg: 'ES256',
    });
    return sdjwt.present(
      cred,
      { achternaam: true, rol_code: true },
      { kb: { payload: { iat: o.iat ?? now(), aud: o.aud ?? AUD, nonce: o.nonce ?? 'nonce-1' } } },
    );
  }

  /** A KB-JWT made by hand over exactly these parts (jwt~d1~…~). */
  async function keyBound(parts: string[], key = holder.privateJwk) {
    const presented = `${parts.join('~')}~`;
    const kb = await new SignJWT({
      iat: now(),
      aud: AUD,
      nonce: 'nonce-1',
      sd_hash: createHash('sha256').update(presented).digest('base64url'),
    })
      .setProtectedHeader({ typ: 'kb+jwt', alg: 'ES256' })
      .sign(await importJWK(key, 'ES256'));
    return `${presented}${kb}`;
  }
  const disclosure = (name: string, value: unknown) =>
    Buffer.from(JSON.stringify([randomBytes(16).toString('base64url'), name, value])).toString('base64url');

  async function refused(p: Promise<unknown>, refusal: string) {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof PresentationError, String(err));
      assert.equal(err.refusal, refusal);
      return true;
    });
  }

  before(async () => {
    issuer = await selfSignedIssuer('dezi.test');
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    holder = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    credential = await issue();
  });

  test("@sd-jwt's presentation: the disclosed claims and those always shown, nothing else", async () => {
    const asked: [string, number][] = [];
    const out = await verifyPresentation(
      await present(credential),
      checks({ statusOf: async (uri, idx) => (asked.push([uri, idx]), 0) }),
    );
    assert.equal(out.claims.dezi_nummer, '900010001');
    assert.equal(out.claims.achternaam, 'Jansen');
    assert.equal(out.claims.rol_code, '01.015');
    assert.ok(!('abonnee_naam' in out.claims) && !('voorletters' in out.claims), 'not disclosed');
    assert.equal(out.issuer, ISS);
    assert.deepEqual(asked, [[STATUS_URI, 7]]);
  });

  test('a disclosure tampered with, one not in _sd, one presented twice', async () => {
    const [jwt, ...rest] = (await present(credential)).split('~');
    const disclosures = rest.slice(0, -1);
    const tampered = JSON.parse(Buffer.from(disclosures[0]!, 'base64url').toString()) as unknown[];
    tampered[2] = 'Pietersen';
    const forged = Buffer.from(JSON.stringify(tampered)).toString('base64url');
    await refused(
      verifyPresentation(await keyBound([jwt!, forged, ...disclosures.slice(1)]), checks()),
      'disclosure_not_in_sd',
    );
    // A claim the issuer never made, with a key binding that is otherwise right.
    await refused(
      verifyPresentation(
        await keyBound([jwt!, ...disclosures, disclosure('rol_code_bron', 'elders')]),
        checks(),
      ),
      'disclosure_not_in_sd',
    );
    await refused(
      verifyPresentation(await keyBound([jwt!, ...disclosures, disclosures[0]!]), checks()),
      'disclosure_repeated',
    );
    // The same parts with a right key binding pass: the refusals are the disclosures'.
    assert.ok(await verifyPresentation(await keyBound([jwt!, ...disclosures]), checks()));
  });

  test('key binding: wrong or replayed nonce, another audience, too old, another key, another presentation, none', async () => {
    await refused(
      verifyPresentation(await present(credential, { nonce: 'other' }), checks()),
      'key_binding_nonce',
    );
    const used = await present(credential);
    await verifyPresentation(used, checks());
    await refused(verifyPresentation(used, checks({ nonce: 'nonce-2' })), 'key_binding_nonce');
    await refused(
      verifyPresentation(await present(credential, { aud: 'x509_hash:other' }), checks()),
      'key_binding_audience',
    );
    await refused(
      verifyPresentation(await present(credential, { iat: now() - 3600 }), checks()),
      'key_binding_age',
    );
    await refused(
      verifyPresentation(await present(credential, { iat: now() + 3600 }), checks()),
      'key_binding_age',
    );
    const stranger = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const [jwt, ...rest] = used.split('~');
    await refused(
      verifyPresentation(await keyBound([jwt!, ...rest.slice(0, -1)], stranger), checks()),
      'key_binding_signature',
    );
    // One disclosure dropped after binding: the sd_hash no longer covers what is presented.
    const parts = used.split('~');
    await refused(verifyPresentation([parts[0], ...parts.slice(2)].join('~'), checks()), 'sd_hash');
    await refused(
      verifyPresentation(`${used.slice(0, used.lastIndexOf('~') + 1)}`, checks()),
      'no_key_binding',
    );
  });

  test('expired, revoked, a status list that cannot be read', async () => {
    await refused(verifyPresentation(await present(await issue({ exp: now() - 3600 })), checks()), 'expired');
    await refused(
      verifyPresentation(await present(credential), checks({ statusOf: async () => 1 })),
      'revoked',
    );
    await refused(
      verifyPresentation(
        await present(credential),
        checks({
          statusOf: async () => {
            throw new Error('down');
          },
        }),
      ),
      'status_unavailable',
    );
  });

  test('an issuer no anchor vouches for, a forged issuer signature, iss not in the certificate, another type', async () => {
    const other = await selfSignedIssuer('dezi.test');
    await refused(verifyPresentation(await present(await issue({ key: other })), checks()), 'unknown_issuer');
    // The payload changed after signing (a role the issuer did not give).
    const [jwt, ...rest] = (await present(credential)).split('~');
    const [h, p, s] = jwt!.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    payload.dezi_nummer = '900010099';
    const forgedJwt = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    await refused(
      verifyPresentation(await keyBound([forgedJwt, ...rest.slice(0, -1)]), checks()),
      'invalid_signature',
    );
    await refused(
      verifyPresentation(await present(await issue({ iss: 'https://elders.example' })), checks()),
      'issuer_not_in_certificate',
    );
    await refused(
      verifyPresentation(await present(credential), checks({ vct: 'urn:eudi:pid:nl:1' })),
      'wrong_type',
    );
    await refused(verifyPresentation('not an sd-jwt', checks()), 'malformed');
  });
});
