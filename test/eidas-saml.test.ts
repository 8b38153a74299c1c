// The eIDAS SAML adapter against hand-built answers of an eIDAS node: every unsigned, forged, stale,
// misaddressed, replayed or incomplete answer is refused with the right MeansError, and only the real
// thing logs in, as a linked PersonIdentifier. The messages are built with the proeftuin stand-in's
// own builders and then changed in one place each. The SAML code is DigiD's (src/means/saml/).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { Secrets } from '../src/secrets.ts';
import { LOA, type LoA } from '../src/means/loa.ts';
import { MeansError, type MeansFailureKind, type MeansResult } from '../src/means/means.ts';
import { EIDAS_ATTRIBUTE } from '../src/means/eidas/attributes.ts';
import { createEidasMeans, EIDAS_MEANS_ID } from '../src/means/eidas/eidas.ts';
import { eidasFromConfig } from '../src/means/eidas/setup.ts';
import { signSamlElement } from '../src/means/saml/artifact.ts';
import { generateKeyPair, type SamlKeyPair } from '../src/means/saml/keys.ts';
import { parseIdpMetadata, type IdpMetadata } from '../src/means/saml/metadata.ts';
import { SamlRequestStore } from '../src/means/saml/requests.ts';
import { STATUS } from '../src/means/saml/xml.ts';
import {
  assertionXml,
  idpMetadataXml,
  responseXml,
  signedEncryptedResponseXml,
  signedResponseXml,
  type AssertionFields,
} from '../src/proeftuin/digid-saml.ts';
import { BACKENDS, openTestDatabase, TEST_SECRET } from './helpers/dezi.ts';
import { beginSamlLogin, finishByPost } from './helpers/saml.ts';

const NODE = 'https://eidas-connector.example/metadata';
const SP = 'https://dezi.example/means/eidas/metadata';
const ACS = 'https://dezi.example/means/eidas/acs';
const CALLBACK = 'https://dezi.example/interaction/abc/callback/eidas';
const PERSON = 'DE/NL/8f3c2a71d9e04b5a6c1e';

let nodeKey: SamlKeyPair;
let spKey: SamlKeyPair;
let attackerKey: SamlKeyPair;

before(async () => {
  [nodeKey, spKey, attackerKey] = await Promise.all([
    generateKeyPair('Test eIDAS node'),
    generateKeyPair('Test SP'),
    generateKeyPair('Attacker'),
  ]);
});

/** The natural person's attributes as the node sends them; `personIdentifier: null` leaves it out. */
function attributes(personIdentifier: string | null = PERSON) {
  return [
    ...(personIdentifier === null
      ? []
      : [{ name: EIDAS_ATTRIBUTE.PersonIdentifier, value: personIdentifier }]),
    { name: EIDAS_ATTRIBUTE.FamilyName, value: 'Schmidt' },
    { name: EIDAS_ATTRIBUTE.FirstName, value: 'Klara' },
    { name: EIDAS_ATTRIBUTE.DateOfBirth, value: '1979-04-12' },
  ];
}

for (const backend of BACKENDS)
  describe(`eIDAS SAML adapter (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let metadata: IdpMetadata;
    let means: ReturnType<typeof createEidasMeans>['means'];
    let store: SamlRequestStore;
    const secrets = new Secrets(TEST_SECRET);

    before(async () => {
      database = await openTestDatabase(backend);
      await migrate(database.db);
      metadata = parseIdpMetadata(
        idpMetadataXml({
          entityId: NODE,
          certificate: nodeKey.certificate,
          ssoUrl: 'https://eidas-connector.example/sso',
        }),
      );
      store = new SamlRequestStore(database.db, secrets, 900);
      means = createEidasMeans({
        db: database.db,
        secrets,
        sp: { entityId: SP, acsUrl: ACS, key: spKey },
        metadata: async () => metadata,
        spType: 'public',
      }).means;
    });

    after(async () => {
      await database?.close();
    });

    /** Starts a login; returns its state and the AuthnRequest it sent. */
    const begin = (minimumLoa: LoA = LOA.substantial) => beginSamlLogin(means, minimumLoa, CALLBACK);

    function fields(requestId: string, o: Partial<AssertionFields> = {}): AssertionFields {
      return {
        idpEntityId: NODE,
        spEntityId: SP,
        acsUrl: ACS,
        inResponseTo: requestId,
        nameId: '_transient-0123456789',
        classRef: LOA.high,
        attributes: attributes(),
        ...o,
      };
    }

    /** The Response POSTed to the ACS (parked there), then the callback: what the broker calls. */
    const viaPost = (state: string, response: string, minimumLoa: LoA = LOA.substantial) =>
      finishByPost(means, store, { state, response, minimumLoa, callbackUrl: CALLBACK });

    /** A new login answered with the Response that `build` makes for its AuthnRequest. */
    async function answered(build: (requestId: string) => string | Promise<string>, minimumLoa?: LoA) {
      const { state, requestId } = await begin(minimumLoa);
      return viaPost(state, await build(requestId), minimumLoa);
    }

    async function refused(p: Promise<MeansResult>, kind: MeansFailureKind, message?: RegExp) {
      await assert.rejects(p, (err: unknown) => {
        assert.ok(err instanceof MeansError, `expected a MeansError, got ${String(err)}`);
        assert.equal(err.kind, kind, err.message);
        if (message) assert.match(err.message, message);
        assert.ok(!err.message.includes(PERSON), 'no PersonIdentifier in the reason');
        return true;
      });
      return;
    }

    test('the AuthnRequest: signed, HTTP-POST, ForceAuthn, SPType, the four mandatory attributes, the LoA as minimum', async () => {
      const { url, xml } = await begin(LOA.high);
      assert.equal(url.origin + url.pathname, 'https://eidas-connector.example/sso');
      assert.ok(url.searchParams.get('Signature'), 'signed (HTTP-Redirect binding)');
      assert.equal(url.searchParams.get('SigAlg'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      assert.match(xml, /ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"/);
      assert.match(xml, /ForceAuthn="true"/);
      assert.match(
        xml,
        /<samlp:NameIDPolicy [^>]*Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"/,
      );
      assert.match(xml, new RegExp(`AssertionConsumerServiceURL="${ACS}"`));
      assert.match(
        xml,
        /<eidas:SPType xmlns:eidas="http:\/\/eidas.europa.eu\/saml-extensions">public<\/eidas:SPType>/,
      );
      for (const name of Object.values(EIDAS_ATTRIBUTE)) {
        assert.match(xml, new RegExp(`<eidas:RequestedAttribute [^>]*Name="${name}"[^>]*isRequired="true"`));
      }
      assert.match(xml, /<samlp:Extensions[\s\S]*<\/samlp:Extensions>[\s\S]*<samlp:RequestedAuthnContext/);
      assert.match(xml, /Comparison="minimum"/);
      assert.match(xml, /<saml:AuthnContextClassRef[^>]*>http:\/\/eidas.europa.eu\/LoA\/high</);
      assert.match((await begin(LOA.substantial)).xml, />http:\/\/eidas.europa.eu\/LoA\/substantial</);
    });

    test('a signed, encrypted Response logs in: the PersonIdentifier as a linked subject, the eIDAS level as is', async () => {
      const result = await answered((id) =>
        signedEncryptedResponseXml(fields(id), nodeKey, spKey.certificate),
      );
      assert.equal(result.meansId, EIDAS_MEANS_ID);
      assert.deepEqual(result.subject, { kind: 'linked', meansId: EIDAS_MEANS_ID, subject: PERSON });
      assert.equal(result.loaAuthn, LOA.high);
      const substantial = await answered((id) =>
        signedResponseXml(fields(id, { classRef: LOA.substantial }), nodeKey),
      );
      assert.equal(substantial.loaAuthn, LOA.substantial);
    });

    test('an unsigned Response, or an unsigned Assertion in it, is refused', async () => {
      await refused(
        answered((id) =>
          responseXml({
            idpEntityId: NODE,
            acsUrl: ACS,
            inResponseTo: id,
            assertion: assertionXml(fields(id)),
          }),
        ),
        'invalid_response',
      );
      await refused(
        answered((id) =>
          signSamlElement(
            responseXml({
              idpEntityId: NODE,
              acsUrl: ACS,
              inResponseTo: id,
              assertion: assertionXml(fields(id)),
            }),
            'Response',
            nodeKey,
          ),
        ),
        'invalid_response',
      );
    });

    test('a Response signed by another key, or altered after signing, is refused', async () => {
      await refused(
        answered((id) => signedResponseXml(fields(id), attackerKey)),
        'invalid_response',
      );
      await refused(
        answered((id) => signedResponseXml(fields(id), nodeKey).replace(PERSON, 'BE/NL/93051822361')),
        'invalid_response',
      );
    });

    test('a Response for another AuthnRequest is refused; a replayed Response or assertion too', async () => {
      const other = await begin();
      await refused(
        answered(() => signedResponseXml(fields(other.requestId), nodeKey)),
        'invalid_response',
        /another AuthnRequest/,
      );
      // The same answer twice for one login: the request was taken by the first.
      const { state, requestId } = await begin();
      const response = signedResponseXml(fields(requestId), nodeKey);
      await viaPost(state, response);
      await refused(
        means.finish({
          query: { RelayState: state, SAMLResponse: 'parked' },
          body: {},
          expectedState: state,
          minimumLoa: LOA.substantial,
        }),
        'invalid_response',
        /no AuthnRequest is pending/,
      );
      // An assertion ID accepted before, now in an answer to a new request.
      const id = '_assertion-seen-before-0123456789';
      await answered((r) => signedResponseXml(fields(r, { id }), nodeKey));
      await refused(
        answered((r) => signedResponseXml(fields(r, { id }), nodeKey)),
        'invalid_response',
        /replay/,
      );
    });

    test('a Response for another audience, destination or recipient is refused', async () => {
      await refused(
        answered((id) =>
          signedResponseXml(fields(id, { spEntityId: 'https://other-sp.example/metadata' }), nodeKey),
        ),
        'invalid_response',
      );
      await refused(
        answered((id) =>
          signSamlElement(
            responseXml({
              idpEntityId: NODE,
              acsUrl: 'https://other-sp.example/acs',
              inResponseTo: id,
              assertion: signSamlElement(assertionXml(fields(id)), 'Assertion', nodeKey),
            }),
            'Response',
            nodeKey,
          ),
        ),
        'invalid_response',
        /another destination/,
      );
      await refused(
        answered((id) => signedResponseXml(fields(id, { acsUrl: 'https://other-sp.example/acs' }), nodeKey)),
        'invalid_response',
      );
    });

    test('an expired assertion is refused', async () => {
      const issuedAt = new Date(Date.now() - 30 * 60_000);
      await refused(
        answered((id) =>
          signedResponseXml(
            fields(id, { issuedAt, notOnOrAfter: new Date(issuedAt.getTime() + 2 * 60_000) }),
            nodeKey,
          ),
        ),
        'invalid_response',
      );
    });

    test('a level below the one asked for is insufficient_loa, with the level reached; a level not eIDAS is refused', async () => {
      await assert.rejects(
        answered((id) => signedResponseXml(fields(id, { classRef: LOA.substantial }), nodeKey), LOA.high),
        (err: unknown) =>
          err instanceof MeansError && err.kind === 'insufficient_loa' && err.reached === LOA.substantial,
      );
      await refused(
        answered((id) =>
          signedResponseXml(fields(id, { classRef: 'http://eidas.europa.eu/NotNotified/LoA/high' }), nodeKey),
        ),
        'invalid_response',
        /not an eIDAS level/,
      );
    });

    test('without a PersonIdentifier, with two, or with a malformed one, the answer is refused', async () => {
      await refused(
        answered((id) => signedResponseXml(fields(id, { attributes: attributes(null) }), nodeKey)),
        'invalid_response',
        /no PersonIdentifier/,
      );
      await refused(
        answered((id) =>
          signedResponseXml(
            fields(id, {
              attributes: [...attributes(), { name: EIDAS_ATTRIBUTE.PersonIdentifier, value: 'BE/NL/1' }],
            }),
            nodeKey,
          ),
        ),
        'invalid_response',
        /more than one PersonIdentifier/,
      );
      for (const malformed of [
        '8f3c2a71d9e04b5a',
        'DE/FR/8f3c2a71',
        'DE/NL/',
        'de/NL/8f3c',
        'DE/NL/8f3c 2a71',
        'DEU/NL/1',
      ]) {
        await refused(
          answered((id) => signedResponseXml(fields(id, { attributes: attributes(malformed) }), nodeKey)),
          'invalid_response',
          /not of the form XX\/NL\/value/,
        );
      }
    });

    test('an assertion issued by another node, even signed with the known key, is refused', async () => {
      await refused(
        answered((id) =>
          signedResponseXml(fields(id, { idpEntityId: 'https://other-node.example/metadata' }), nodeKey),
        ),
        'invalid_response',
        /another IdP/,
      );
    });

    test('a person who cancels at the node: cancelled', async () => {
      await refused(
        answered((id) =>
          signSamlElement(
            responseXml({
              idpEntityId: NODE,
              acsUrl: ACS,
              inResponseTo: id,
              status: { code: STATUS.responder, subCode: STATUS.authnFailed },
            }),
            'Response',
            nodeKey,
          ),
        ),
        'cancelled',
      );
    });

    test('from the configuration: the stand-in in the proeftuin, nothing in production without the connector metadata', async () => {
      const base = {
        DEZI_SECRET: 'a'.repeat(64),
        DEZI_ISSUER: 'https://dezi.example',
        DEZI_DATA_DIR: '/nonexistent-dezi',
        DEZI_PROEFTUIN_REGISTRATION_TOKEN: 'x'.repeat(20),
      };
      assert.deepEqual(loadConfig(base).eidas, {
        spEntityId: null,
        spKeyFiles: null,
        connectorMetadata: null,
        spType: 'public',
      });
      assert.throws(() => loadConfig({ ...base, DEZI_EIDAS_SP_TYPE: 'secret' }), ConfigError);
      const prod = { ...base, DEZI_MODE: 'production', DATABASE_URL: 'postgres://x/y' };
      assert.equal(loadConfig(prod).eidas, null);
      assert.throws(
        () => loadConfig({ ...prod, DEZI_EIDAS_CONNECTOR_METADATA: 'https://connector.example/metadata' }),
        /DEZI_EIDAS_SP_KEY_FILE/,
      );
      assert.throws(
        () => loadConfig({ ...prod, DEZI_EIDAS_CONNECTOR_METADATA: 'http://connector.example/metadata' }),
        /https/,
      );
      assert.throws(
        () => loadConfig({ ...base, DEZI_EIDAS_SP_KEY_FILE: import.meta.filename }),
        /go together/,
      );
      assert.throws(
        () =>
          loadConfig({
            ...base,
            DEZI_EIDAS_SP_KEY_FILE: '/nonexistent/sp-key.pem',
            DEZI_EIDAS_SP_CERT_FILE: import.meta.filename,
          }),
        /DEZI_EIDAS_SP_KEY_FILE: the file \/nonexistent\/sp-key.pem does not exist/,
      );
      // Without a stand-in (production) a configuration without metadata and keys sets nothing up.
      await assert.rejects(
        eidasFromConfig(
          { issuer: 'https://dezi.example', eidas: loadConfig(base).eidas },
          database.db,
          secrets,
        ),
        /connector metadata/,
      );
      assert.equal(await eidasFromConfig({ issuer: 'https://dezi.example' }, database.db, secrets), null);
    });
  });
