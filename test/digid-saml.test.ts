// The DigiD SAML adapter against a scripted IdP: every forged, broken, stale or replayed answer is
// refused with the right MeansError, and only the real thing logs in. The messages are built with
// the proeftuin IdP's own builders and then changed in one place each.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { createVerify, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { x509 } from '../src/pki/x509.ts';
import { loadConfig } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { Secrets } from '../src/secrets.ts';
import { LOA, type LoA } from '../src/means/loa.ts';
import { MeansError, type LoginMeans, type MeansFailureKind, type MeansResult } from '../src/means/means.ts';
import { createDigidMeans, DIGID_MEANS_ID } from '../src/means/digid/digid.ts';
import { digidFromConfig } from '../src/means/digid/setup.ts';
import {
  encodeArtifact,
  signSamlElement,
  soapBodyMessage,
  soapEnvelope,
  verifiedElement,
} from '../src/means/saml/artifact.ts';
import { generateKeyPair, type SamlKeyPair } from '../src/means/saml/keys.ts';
import { DIGID_LEVEL } from '../src/means/digid/levels.ts';
import { MetadataError, parseIdpMetadata, type IdpMetadata } from '../src/means/saml/metadata.ts';
import { SamlRequestStore } from '../src/means/saml/requests.ts';
import { STATUS } from '../src/means/saml/xml.ts';
import {
  artifactResponseXml,
  assertionXml,
  idpMetadataXml,
  encryptedAssertionXml,
  responseXml,
  signedEncryptedResponseXml,
  signedResponseXml,
  type AssertionFields,
} from '../src/proeftuin/digid-saml.ts';
import { BACKENDS, freePort, openTestDatabase, TEST_SECRET } from './helpers/dezi.ts';
import { beginSamlLogin, finishByPost } from './helpers/saml.ts';

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/** A CA (PEM) and a TLS server certificate for localhost that it issued, with its key. */
async function caWithServerCertificate(): Promise<{ ca: string; server: SamlKeyPair }> {
  const [caKeys, serverKeys] = (await Promise.all([
    webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']),
    webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']),
  ])) as [webcrypto.CryptoKeyPair, webcrypto.CryptoKeyPair];
  const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) };
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    ...validity,
    serialNumber: '01',
    name: 'CN=Test IdP TLS CA',
    signingAlgorithm: RSA,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const server = await x509.X509CertificateGenerator.create({
    ...validity,
    serialNumber: '02',
    subject: 'CN=localhost',
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  return {
    ca: ca.toString('pem'),
    server: {
      privateKey: KeyObject.from(serverKeys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string,
      certificate: server.toString('pem'),
    },
  };
}

const IDP = 'https://idp.example/saml/metadata';
const SP = 'https://dezi.example/means/digid/metadata';
const ACS = 'https://dezi.example/means/digid/acs';
const CALLBACK = 'https://dezi.example/interaction/abc/callback/digid';
const BSN = '999990007';
const OTHER_BSN = '999990019';

/** A signature element as xml-crypto writes it, with or without a prefix. */
const SIGNATURE = /<(?:ds:)?Signature\b[\s\S]*?<\/(?:ds:)?Signature>/;

type ArsAnswer = { status: number; body: string } | 'hang';

let idpKey: SamlKeyPair;
let spKey: SamlKeyPair;
let attackerKey: SamlKeyPair;

before(async () => {
  [idpKey, spKey, attackerKey] = await Promise.all([
    generateKeyPair('Test IdP'),
    generateKeyPair('Test SP'),
    generateKeyPair('Attacker'),
  ]);
});

for (const backend of BACKENDS)
  describe(`DigiD SAML adapter (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let ars: Server;
    let arsUrl: string;
    /** What the scripted artifact resolution service answers; gets the ArtifactResolve's ID. */
    let answer: (resolveId: string, body: string) => ArsAnswer;
    let resolves: string[] = [];
    let metadata: IdpMetadata;
    let means: ReturnType<typeof createDigidMeans>['means'];
    let store: SamlRequestStore;
    const secrets = new Secrets(TEST_SECRET);

    before(async () => {
      database = await openTestDatabase(backend);
      await migrate(database.db);
      const port = await freePort();
      arsUrl = `http://127.0.0.1:${port}/ars`;
      ars = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          resolves.push(body);
          const id = /<samlp:ArtifactResolve\b[^>]*\sID="([^"]+)"/.exec(body)?.[1] ?? '';
          const a = answer(id, body);
          if (a === 'hang') return; // never answers
          res.writeHead(a.status, { 'content-type': 'text/xml' }).end(a.body);
        });
      });
      await new Promise<void>((r) => ars.listen(port, '127.0.0.1', r));
      metadata = parseIdpMetadata(
        idpMetadataXml({
          entityId: IDP,
          certificate: idpKey.certificate,
          ssoUrl: 'https://idp.example/saml/sso',
          artifactResolutionUrl: arsUrl,
        }),
      );
      store = new SamlRequestStore(database.db, secrets, 900);
      means = createDigidMeans({
        db: database.db,
        secrets,
        sp: { entityId: SP, acsUrl: ACS, key: spKey },
        metadata: async () => metadata,
        responseBinding: 'artifact',
        timeoutMs: 1000,
      }).means;
    });

    after(async () => {
      ars?.closeAllConnections();
      await new Promise((r) => ars?.close(r));
      await database?.close();
    });

    /** Starts a login; returns its state and the ID of the AuthnRequest it sent. */
    const begin = (minimumLoa: LoA = LOA.substantial) => beginSamlLogin(means, minimumLoa, CALLBACK);

    function fields(requestId: string, o: Partial<AssertionFields> = {}): AssertionFields {
      return {
        idpEntityId: IDP,
        spEntityId: SP,
        acsUrl: ACS,
        inResponseTo: requestId,
        nameId: `s00000000:${BSN}`,
        classRef: DIGID_LEVEL.substantieel,
        ...o,
      };
    }

    /** The IdP resolves the artifact to this Response, in an ArtifactResponse signed with `key`. */
    function resolvesTo(response: string, key: SamlKeyPair = idpKey) {
      answer = (resolveId) => ({
        status: 200,
        body: soapEnvelope(
          signSamlElement(
            artifactResponseXml({ idpEntityId: IDP, inResponseTo: resolveId, response }),
            'ArtifactResponse',
            key,
          ),
        ),
      });
    }

    async function viaArtifact(
      state: string,
      minimumLoa: LoA = LOA.substantial,
      artifact = encodeArtifact(IDP, 0),
    ) {
      return means.finish({
        query: { RelayState: state, SAMLart: artifact },
        body: {},
        expectedState: state,
        minimumLoa,
      });
    }

    const viaPost = (state: string, response: string, minimumLoa: LoA = LOA.substantial) =>
      finishByPost(means, store, { state, response, minimumLoa, callbackUrl: CALLBACK });

    /**
     * A login whose Response the IdP hands over on the back channel (artifact): it logs in at
     * substantial, or, when the back channel's TLS is refused, fails as unavailable.
     */
    async function loginOverBackChannel(m: LoginMeans, ok: boolean): Promise<void> {
      const state = randomBytes(32).toString('base64url');
      const { redirectTo } = await m.start({ state, callbackUrl: CALLBACK, minimumLoa: LOA.substantial });
      const xml = inflateRawSync(
        Buffer.from(new URL(redirectTo).searchParams.get('SAMLRequest')!, 'base64'),
      ).toString();
      resolvesTo(signedResponseXml(fields(/\sID="([^"]+)"/.exec(xml)![1]!), idpKey));
      const finish = m.finish({
        query: { RelayState: state, SAMLart: encodeArtifact(IDP, 0) },
        body: {},
        expectedState: state,
        minimumLoa: LOA.substantial,
      });
      if (ok) assert.equal((await finish).loaAuthn, LOA.substantial);
      else await refused(finish, 'unavailable');
    }

    async function refused(p: Promise<MeansResult>, kind: MeansFailureKind, message?: RegExp) {
      await assert.rejects(p, (err: unknown) => {
        assert.ok(err instanceof MeansError, `expected a MeansError, got ${String(err)}`);
        assert.equal(err.kind, kind, err.message);
        if (message) assert.match(err.message, message);
        assert.ok(!err.message.includes(BSN) && !err.message.includes(OTHER_BSN), 'no BSN in the error');
        return true;
      });
    }

    test('the AuthnRequest is signed (HTTP-Redirect), asks for artifact delivery and the minimum level', async () => {
      const { url, xml, requestId } = await begin(LOA.high);
      assert.equal(url.origin + url.pathname, 'https://idp.example/saml/sso');
      const raw = url.search.slice(1).split('&');
      const get = (k: string) => raw.find((p) => p.startsWith(`${k}=`))!.slice(k.length + 1);
      const signed = `SAMLRequest=${get('SAMLRequest')}&RelayState=${get('RelayState')}&SigAlg=${get('SigAlg')}`;
      assert.ok(
        createVerify('RSA-SHA256')
          .update(signed)
          .verify(spKey.certificate, Buffer.from(decodeURIComponent(get('Signature')), 'base64')),
      );
      assert.equal(decodeURIComponent(get('SigAlg')), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      assert.match(xml, /ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"/);
      assert.match(xml, new RegExp(`AssertionConsumerServiceURL="${ACS}"`));
      assert.match(xml, /Comparison="minimum"/);
      assert.match(
        xml,
        /<saml:AuthnContextClassRef[^>]*>urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI</,
      );
      assert.match(requestId, /^_[0-9a-f]{40}$/);
      const substantial = await begin(LOA.substantial);
      assert.match(substantial.xml, />urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard</);
    });

    test('a signed Response resolved by artifact logs in: BSN from the NameID, level mapped to eIDAS', async () => {
      const { state, requestId } = await begin();
      resolves = [];
      resolvesTo(signedResponseXml(fields(requestId), idpKey));
      const result = await viaArtifact(state);
      assert.equal(result.meansId, DIGID_MEANS_ID);
      assert.equal(result.loaAuthn, LOA.substantial);
      assert.equal(result.subject.kind, 'bsn');
      assert.equal(result.subject.kind === 'bsn' && result.subject.bsn.reveal(), BSN);
      // The ArtifactResolve was a SOAP message signed with the SP key.
      assert.equal(resolves.length, 1);
      const message = soapBodyMessage(resolves[0]!);
      assert.equal(message.localName, 'ArtifactResolve');
      assert.ok(
        verifiedElement(resolves[0]!, message, [spKey.certificate]),
        'ArtifactResolve signed by the SP',
      );
      assert.equal(verifiedElement(resolves[0]!, message, [attackerKey.certificate]), null);
    });

    test('a signed Response delivered by HTTP-POST logs in; DigiD hoog is eIDAS high', async () => {
      const { state, requestId } = await begin(LOA.high);
      const result = await viaPost(
        state,
        signedResponseXml(fields(requestId, { classRef: DIGID_LEVEL.hoog }), idpKey),
        LOA.high,
      );
      assert.equal(result.loaAuthn, LOA.high);
    });

    test('an encrypted assertion is decrypted with the SP key; encrypted is not signed, and not for another key', async () => {
      const a = await begin();
      const ok = await viaPost(
        a.state,
        await signedEncryptedResponseXml(fields(a.requestId), idpKey, spKey.certificate),
      );
      assert.equal(ok.subject.kind === 'bsn' && ok.subject.bsn.reveal(), BSN);
      // Encrypted for the SP but not signed by the IdP: anyone with the SP's public certificate can do that.
      const b = await begin();
      const unsigned = signSamlElement(
        responseXml({
          idpEntityId: IDP,
          acsUrl: ACS,
          inResponseTo: b.requestId,
          assertion: await encryptedAssertionXml(assertionXml(fields(b.requestId)), spKey.certificate),
        }),
        'Response',
        idpKey,
      );
      await refused(viaPost(b.state, unsigned), 'invalid_response', /signature/i);
      const c = await begin();
      await refused(
        viaPost(
          c.state,
          await signedEncryptedResponseXml(fields(c.requestId), idpKey, attackerKey.certificate),
        ),
        'invalid_response',
      );
    });

    test('an assertion with only the Response signed, or nothing signed, is refused', async () => {
      const a = await begin();
      const unsignedAssertion = assertionXml(fields(a.requestId));
      const onlyResponseSigned = signSamlElement(
        responseXml({
          idpEntityId: IDP,
          acsUrl: ACS,
          inResponseTo: a.requestId,
          assertion: unsignedAssertion,
        }),
        'Response',
        idpKey,
      );
      await refused(viaPost(a.state, onlyResponseSigned), 'invalid_response', /signature/i);
      const b = await begin();
      const nothingSigned = responseXml({
        idpEntityId: IDP,
        acsUrl: ACS,
        inResponseTo: b.requestId,
        assertion: assertionXml(fields(b.requestId)),
      });
      await refused(viaPost(b.state, nothingSigned), 'invalid_response', /signature/i);
    });

    test('an assertion signed by another key, or changed after signing, is refused', async () => {
      const a = await begin();
      await refused(
        viaPost(a.state, signedResponseXml(fields(a.requestId), attackerKey)),
        'invalid_response',
      );
      const b = await begin();
      const tampered = signedResponseXml(fields(b.requestId), idpKey).replace(
        `s00000000:${BSN}`,
        `s00000000:${OTHER_BSN}`,
      );
      await refused(viaPost(b.state, tampered), 'invalid_response', /signature/i);
    });

    test('a Response whose own signature does not verify is refused, even around a valid signed assertion', async () => {
      const { state, requestId } = await begin();
      const assertion = signSamlElement(assertionXml(fields(requestId)), 'Assertion', idpKey);
      const response = signSamlElement(
        responseXml({ idpEntityId: IDP, acsUrl: ACS, inResponseTo: requestId, assertion }),
        'Response',
        attackerKey,
      );
      await refused(viaPost(state, response), 'invalid_response', /Response signature/);
    });

    test('signature wrapping: a forged assertion beside, around or in place of the signed one is refused', async () => {
      const forgedFields = (requestId: string, id?: string) =>
        fields(requestId, { nameId: `s00000000:${OTHER_BSN}`, ...(id ? { id } : {}) });
      const wrapped = (requestId: string, assertions: string) =>
        responseXml({ idpEntityId: IDP, acsUrl: ACS, inResponseTo: requestId, assertion: assertions });

      // 1. The signed assertion and a forged one side by side.
      const a = await begin();
      const signedA = signSamlElement(assertionXml(fields(a.requestId)), 'Assertion', idpKey);
      await refused(
        viaPost(a.state, wrapped(a.requestId, signedA + assertionXml(forgedFields(a.requestId)))),
        'invalid_response',
        /signature/i,
      );

      // 2. The forged assertion carries the real signature; the signed one hides in its Advice.
      const b = await begin();
      const signedB = signSamlElement(assertionXml(fields(b.requestId)), 'Assertion', idpKey);
      const forgedB = assertionXml(forgedFields(b.requestId))
        .replace('</saml:Issuer>', `</saml:Issuer>${SIGNATURE.exec(signedB)![0]}`)
        .replace('</saml:Assertion>', `<saml:Advice>${signedB}</saml:Advice></saml:Assertion>`);
      await refused(viaPost(b.state, wrapped(b.requestId, forgedB)), 'invalid_response', /signature/i);

      // 3. As 2, but the forged assertion takes the signed one's ID (two elements with one ID).
      const c = await begin();
      const signedC = signSamlElement(assertionXml(fields(c.requestId)), 'Assertion', idpKey);
      const idC = /\sID="([^"]+)"/.exec(signedC)![1]!;
      const forgedC = assertionXml(forgedFields(c.requestId, idC))
        .replace('</saml:Issuer>', `</saml:Issuer>${SIGNATURE.exec(signedC)![0]}`)
        .replace('</saml:Assertion>', `<saml:Advice>${signedC}</saml:Advice></saml:Assertion>`);
      await refused(viaPost(c.state, wrapped(c.requestId, forgedC)), 'invalid_response', /signature/i);

      // 4. The signed assertion moved into Extensions; a forged one where the assertion belongs.
      const d = await begin();
      const signedD = signSamlElement(assertionXml(fields(d.requestId)), 'Assertion', idpKey);
      const moved = wrapped(d.requestId, assertionXml(forgedFields(d.requestId))).replace(
        '<samlp:Status>',
        `<samlp:Extensions>${signedD}</samlp:Extensions><samlp:Status>`,
      );
      await refused(viaPost(d.state, moved), 'invalid_response', /signature/i);

      // 5. A whole signed Response wrapped inside a forged one.
      const e = await begin();
      const genuine = signedResponseXml(fields(e.requestId), idpKey);
      const outer = wrapped(e.requestId, assertionXml(forgedFields(e.requestId))).replace(
        '<samlp:Status>',
        `<samlp:Extensions>${genuine}</samlp:Extensions><samlp:Status>`,
      );
      await refused(viaPost(e.state, outer), 'invalid_response', /signature/i);
    });

    test('signature wrapping in the ArtifactResponse: a forged one in the SOAP body is refused', async () => {
      const { state, requestId } = await begin();
      answer = (resolveId) => {
        const genuine = signSamlElement(
          artifactResponseXml({
            idpEntityId: IDP,
            inResponseTo: resolveId,
            response: signedResponseXml(fields(requestId), idpKey),
          }),
          'ArtifactResponse',
          idpKey,
        );
        const forgedResponse = responseXml({
          idpEntityId: IDP,
          acsUrl: ACS,
          inResponseTo: requestId,
          assertion: assertionXml(fields(requestId, { nameId: `s00000000:${OTHER_BSN}` })),
        });
        // The forged ArtifactResponse carries the genuine one's signature; the genuine one hides in a header.
        const forged = artifactResponseXml({
          idpEntityId: IDP,
          inResponseTo: resolveId,
          response: forgedResponse,
        }).replace('</saml:Issuer>', `</saml:Issuer>${SIGNATURE.exec(genuine)![0]}`);
        return {
          status: 200,
          body: soapEnvelope(forged).replace(
            '<soapenv:Body>',
            `<soapenv:Header>${genuine}</soapenv:Header><soapenv:Body>`,
          ),
        };
      };
      await refused(viaArtifact(state), 'invalid_response', /not signed/);
    });

    test('an ArtifactResponse unsigned, signed by another key, or answering another ArtifactResolve is refused', async () => {
      const a = await begin();
      answer = (resolveId) => ({
        status: 200,
        body: soapEnvelope(
          artifactResponseXml({
            idpEntityId: IDP,
            inResponseTo: resolveId,
            response: signedResponseXml(fields(a.requestId), idpKey),
          }),
        ),
      });
      await refused(viaArtifact(a.state), 'invalid_response', /not signed/);
      const b = await begin();
      resolvesTo(signedResponseXml(fields(b.requestId), idpKey), attackerKey);
      await refused(viaArtifact(b.state), 'invalid_response', /not signed/);
      const c = await begin();
      answer = () => ({
        status: 200,
        body: soapEnvelope(
          signSamlElement(
            artifactResponseXml({
              idpEntityId: IDP,
              inResponseTo: '_another',
              response: signedResponseXml(fields(c.requestId), idpKey),
            }),
            'ArtifactResponse',
            idpKey,
          ),
        ),
      });
      await refused(viaArtifact(c.state), 'invalid_response', /does not answer/);
    });

    test('an artifact resolved twice: the IdP has no message the second time, and the login fails', async () => {
      const { state } = await begin();
      answer = (resolveId) => ({
        status: 200,
        body: soapEnvelope(
          signSamlElement(
            artifactResponseXml({ idpEntityId: IDP, inResponseTo: resolveId }),
            'ArtifactResponse',
            idpKey,
          ),
        ),
      });
      await refused(viaArtifact(state), 'invalid_response', /already resolved/);
    });

    test('an artifact of another IdP, or for an unknown endpoint, is not even resolved', async () => {
      resolves = [];
      const a = await begin();
      await refused(
        viaArtifact(a.state, LOA.substantial, encodeArtifact('https://evil.example/idp', 0)),
        'invalid_response',
        /another IdP/,
      );
      const b = await begin();
      await refused(
        viaArtifact(b.state, LOA.substantial, encodeArtifact(IDP, 7)),
        'invalid_response',
        /index 7/,
      );
      const c = await begin();
      await refused(
        viaArtifact(c.state, LOA.substantial, 'bm90IGFuIGFydGlmYWN0'),
        'invalid_response',
        /artifact/,
      );
      assert.equal(resolves.length, 0);
    });

    test('an expired assertion, one for another audience, recipient or AuthnRequest is refused', async () => {
      const cases: [Partial<AssertionFields>, RegExp][] = [
        [{ issuedAt: new Date(Date.now() - 10 * 60_000) }, /expired/],
        [
          { issuedAt: new Date(Date.now() - 4 * 60_000), notOnOrAfter: new Date(Date.now() - 2 * 60_000) },
          /expired/,
        ],
        [{ spEntityId: 'https://other-sp.example' }, /audience/],
        [{ acsUrl: 'https://other-sp.example/acs' }, /recipient/],
        [{ inResponseTo: '_0123456789abcdef0123456789abcdef01234567' }, /AuthnRequest/],
        [{ idpEntityId: 'https://evil.example/idp' }, /another IdP/],
      ];
      for (const [change, message] of cases) {
        const { state, requestId } = await begin();
        const f = fields(requestId, change);
        // The Response around it stays correct: only the signed assertion differs.
        const response = signSamlElement(
          responseXml({
            idpEntityId: IDP,
            acsUrl: ACS,
            inResponseTo: requestId,
            assertion: signSamlElement(assertionXml(f), 'Assertion', idpKey),
          }),
          'Response',
          idpKey,
        );
        await refused(viaPost(state, response), 'invalid_response', message);
      }
    });

    test('a Response for another AuthnRequest or destination is refused before its signature is read', async () => {
      const a = await begin();
      const other = await begin();
      await refused(
        viaPost(a.state, signedResponseXml(fields(other.requestId), idpKey)),
        'invalid_response',
        /another AuthnRequest/,
      );
    });

    test('a replayed Response, and a replayed assertion in a new Response, are refused', async () => {
      const a = await begin();
      const response = signedResponseXml(fields(a.requestId), idpKey);
      await viaPost(a.state, response);
      // The same login answered again: its AuthnRequest was used up.
      await refused(
        means.finish({
          query: { RelayState: a.state, SAMLResponse: 'parked' },
          body: {},
          expectedState: a.state,
          minimumLoa: LOA.substantial,
        }),
        'invalid_response',
        /no AuthnRequest is pending/,
      );
      // The same assertion (same ID) in a correct Response for a new login.
      const b = await begin();
      const firstId = `_${randomBytes(20).toString('hex')}`;
      await viaPost(b.state, signedResponseXml(fields(b.requestId, { id: firstId }), idpKey));
      const c = await begin();
      await refused(
        viaPost(c.state, signedResponseXml(fields(c.requestId, { id: firstId }), idpKey)),
        'invalid_response',
        /replay/,
      );
    });

    test('a cancelled login, an unmet level and an unknown status map to their own kinds', async () => {
      const status = (requestId: string, code: string, subCode?: string) =>
        signSamlElement(
          responseXml({ idpEntityId: IDP, acsUrl: ACS, inResponseTo: requestId, status: { code, subCode } }),
          'Response',
          idpKey,
        );
      const a = await begin();
      await refused(viaPost(a.state, status(a.requestId, STATUS.responder, STATUS.authnFailed)), 'cancelled');
      const b = await begin();
      await refused(
        viaPost(b.state, status(b.requestId, STATUS.responder, STATUS.noAuthnContext)),
        'insufficient_loa',
      );
      const c = await begin();
      await refused(
        viaPost(c.state, status(c.requestId, STATUS.requester, STATUS.requestDenied)),
        'invalid_response',
      );
    });

    test('a DigiD level below the login minimum is insufficient: midden for substantial, basis for anything', async () => {
      const a = await begin(LOA.substantial);
      await refused(
        viaPost(a.state, signedResponseXml(fields(a.requestId, { classRef: DIGID_LEVEL.midden }), idpKey)),
        'insufficient_loa',
      );
      const b = await begin(LOA.low);
      await refused(
        viaPost(
          b.state,
          signedResponseXml(fields(b.requestId, { classRef: DIGID_LEVEL.basis }), idpKey),
          LOA.low,
        ),
        'insufficient_loa',
      );
      const c = await begin(LOA.low);
      const low = await viaPost(
        c.state,
        signedResponseXml(fields(c.requestId, { classRef: DIGID_LEVEL.midden }), idpKey),
        LOA.low,
      );
      assert.equal(low.loaAuthn, LOA.low);
    });

    test('a NameID without the BSN sector, or failing the elfproef, is refused', async () => {
      for (const nameId of [BSN, 's00000001:999990007', 's00000000:123456789', 's00000000:']) {
        const { state, requestId } = await begin();
        await refused(
          viaPost(state, signedResponseXml(fields(requestId, { nameId }), idpKey)),
          'invalid_response',
          /NameID/,
        );
      }
    });

    test('a callback with another RelayState, or with neither artifact nor Response, is refused', async () => {
      const a = await begin();
      await refused(
        means.finish({
          query: { RelayState: 'x'.repeat(43), SAMLart: encodeArtifact(IDP, 0) },
          body: {},
          expectedState: a.state,
          minimumLoa: LOA.substantial,
        }),
        'invalid_response',
        /RelayState/,
      );
      await refused(
        means.finish({
          query: { RelayState: a.state },
          body: {},
          expectedState: a.state,
          minimumLoa: LOA.substantial,
        }),
        'invalid_response',
        /neither/,
      );
    });

    test('an IdP that is down, hangs, or fails answers "unavailable"', async () => {
      const a = await begin();
      answer = () => 'hang';
      const started = Date.now();
      await refused(viaArtifact(a.state), 'unavailable');
      assert.ok(Date.now() - started < 3000, 'the timeout ends the wait');
      const b = await begin();
      answer = () => ({ status: 503, body: 'down' });
      await refused(viaArtifact(b.state), 'unavailable');
      const c = await begin();
      const down = {
        ...metadata,
        artifactResolution: new Map([[0, `http://127.0.0.1:${await freePort()}/ars`]]),
      };
      const offline = createDigidMeans({
        db: database.db,
        secrets,
        sp: { entityId: SP, acsUrl: ACS, key: spKey },
        metadata: async () => down,
        responseBinding: 'artifact',
        timeoutMs: 1000,
      }).means;
      await refused(
        offline.finish({
          query: { RelayState: c.state, SAMLart: encodeArtifact(IDP, 0) },
          body: {},
          expectedState: c.state,
          minimumLoa: LOA.substantial,
        }),
        'unavailable',
      );
      assert.equal(await offline.health(), false);
    });

    test('mutual TLS on the back channel: resolved with the client certificate, unavailable with another', async () => {
      const [serverTls, clientTls, strangerTls] = await Promise.all([
        generateKeyPair('localhost'),
        generateKeyPair('Dezi DigiD back channel'),
        generateKeyPair('Stranger'),
      ]);
      const seen: string[] = [];
      const https = createHttpsServer(
        {
          key: serverTls.privateKey,
          cert: serverTls.certificate,
          requestCert: true,
          rejectUnauthorized: true,
          ca: [clientTls.certificate],
        },
        (req, res) => {
          seen.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
          let body = '';
          req.on('data', (c) => (body += c));
          req.on('end', () => {
            const a = answer(/<samlp:ArtifactResolve\b[^>]*\sID="([^"]+)"/.exec(body)![1]!, body);
            if (a !== 'hang') res.writeHead(a.status, { 'content-type': 'text/xml' }).end(a.body);
          });
        },
      );
      const port = await freePort();
      await new Promise<void>((r) => https.listen(port, '127.0.0.1', r));
      try {
        const tlsMetadata = {
          ...metadata,
          artifactResolution: new Map([[0, `https://localhost:${port}/ars`]]),
        };
        const withTls = (tls: SamlKeyPair) =>
          createDigidMeans({
            db: database.db,
            secrets,
            sp: { entityId: SP, acsUrl: ACS, key: spKey },
            metadata: async () => tlsMetadata,
            responseBinding: 'artifact',
            timeoutMs: 2000,
            backChannelTls: { key: tls.privateKey, cert: tls.certificate, ca: serverTls.certificate },
          }).means;
        for (const [tls, ok] of [
          [clientTls, true],
          [strangerTls, false],
        ] as const) {
          const m = withTls(tls);
          await loginOverBackChannel(m, ok);
        }
        assert.deepEqual(
          seen,
          ['Dezi DigiD back channel'],
          'only the client with the right certificate got through',
        );
      } finally {
        https.closeAllConnections();
        await new Promise((r) => https.close(r));
      }
    });

    test('DEZI_DIGID_TLS_CA_FILE alone: the back channel trusts a server certificate from that CA, presents none, refuses another', async () => {
      const [idpTls, stranger] = await Promise.all([caWithServerCertificate(), generateKeyPair('localhost')]);
      const dir = mkdtempSync(join(tmpdir(), 'dezi-digid-ca-'));
      const file = (name: string, content: string) => {
        const path = join(dir, name);
        writeFileSync(path, content);
        return path;
      };
      const env = {
        DEZI_MODE: 'production',
        DATABASE_URL: 'postgres://unused.invalid/dezi',
        DEZI_SECRET: 'a'.repeat(64),
        DEZI_ISSUER: new URL(ACS).origin,
        DEZI_DATA_DIR: dir,
        DEZI_DIGID_SP_ENTITY_ID: SP,
        DEZI_DIGID_SP_KEY_FILE: file('sp-key.pem', spKey.privateKey),
        DEZI_DIGID_SP_CERT_FILE: file('sp-cert.pem', spKey.certificate),
        // The CA only: no DEZI_DIGID_TLS_KEY_FILE or DEZI_DIGID_TLS_CERT_FILE.
        DEZI_DIGID_TLS_CA_FILE: file('idp-tls-ca.pem', idpTls.ca),
      };
      /** The client certificate each request that reached an IdP came with (null: none). */
      const presented: (string | null)[] = [];
      const servers: ReturnType<typeof createHttpsServer>[] = [];
      try {
        for (const [tls, ok] of [
          [idpTls.server, true],
          [stranger, false],
        ] as const) {
          const https = createHttpsServer(
            { key: tls.privateKey, cert: tls.certificate, requestCert: true, rejectUnauthorized: false },
            (req, res) => {
              const peer = (req.socket as TLSSocket).getPeerCertificate();
              presented.push(peer && Object.keys(peer).length > 0 ? String(peer.subject?.CN) : null);
              let body = '';
              req.on('data', (c) => (body += c));
              req.on('end', () => {
                const a = answer(/<samlp:ArtifactResolve\b[^>]*\sID="([^"]+)"/.exec(body)![1]!, body);
                if (a !== 'hang') res.writeHead(a.status, { 'content-type': 'text/xml' }).end(a.body);
              });
            },
          );
          servers.push(https);
          const port = await freePort();
          await new Promise<void>((r) => https.listen(port, '127.0.0.1', r));
          const metadataFile = file(
            `idp-metadata-${port}.xml`,
            idpMetadataXml({
              entityId: IDP,
              certificate: idpKey.certificate,
              ssoUrl: 'https://idp.example/saml/sso',
              artifactResolutionUrl: `https://localhost:${port}/ars`,
            }),
          );
          // The whole path from the environment: configuration, setup (reads the files), adapter.
          const config = loadConfig({ ...env, DEZI_DIGID_IDP_METADATA: metadataFile });
          const m = (await digidFromConfig(config, database.db, secrets))!.means;
          await loginOverBackChannel(m, ok);
        }
        assert.deepEqual(
          presented,
          [null],
          'the IdP whose certificate the CA issued was reached, without a client certificate; the other was not',
        );
      } finally {
        for (const https of servers) {
          https.closeAllConnections();
          await new Promise((r) => https.close(r));
        }
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

describe('DigiD IdP metadata', () => {
  const md = (
    cert = 'MIIB',
    extra = '',
  ) => `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${cert ? `<md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` : ''}
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>ENC</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://idp.example/ars" index="3"/>
    ${extra}
  </md:IDPSSODescriptor></md:EntityDescriptor>`;
  const sso =
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>';

  test('standard metadata gives the entity, signing certificates and endpoints', () => {
    const m = parseIdpMetadata(md('MIIB', sso));
    assert.equal(m.entityId, 'https://idp.example');
    assert.equal(m.signingCertificates.length, 1, 'the encryption key is not a signing key');
    assert.match(m.signingCertificates[0]!, /BEGIN CERTIFICATE-----\nMIIB\n/);
    assert.equal(m.ssoRedirectUrl, 'https://idp.example/sso');
    assert.equal(m.artifactResolution.get(3), 'https://idp.example/ars');
  });

  test('metadata without a signing certificate, redirect SSO, or that is not metadata, is refused', () => {
    assert.throws(() => parseIdpMetadata(md('', sso)), MetadataError);
    assert.throws(() => parseIdpMetadata(md('MIIB')), /HTTP-Redirect/);
    assert.throws(() => parseIdpMetadata('<html/>'), MetadataError);
    assert.throws(() => parseIdpMetadata('<!DOCTYPE x [<!ENTITY a "b">]><x/>'), /DOCTYPE/);
    assert.throws(() => parseIdpMetadata('<md:EntityDescriptor'), MetadataError);
  });
});
