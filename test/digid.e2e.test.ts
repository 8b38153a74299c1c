// DigiD over SAML end to end: the broker, the assertion consumer service and the proeftuin's SAML IdP,
// over HTTP. Forged and replayed answers end on a readable page with no code for the zorgapplicatie.
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { artifactResolveXml, signSamlElement, soapEnvelope } from '../src/means/saml/artifact.ts';
import { generateKeyPair, storedKeyPair, type SamlKeyPair } from '../src/means/saml/keys.ts';
import { DIGID_LEVEL } from '../src/means/digid/levels.ts';
import { parseIdpMetadata } from '../src/means/saml/metadata.ts';
import { assertionXml, responseXml, signedResponseXml } from '../src/proeftuin/digid-saml.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser, type Exchange } from './helpers/browser.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { digidLogin, startLogin } from './helpers/login.ts';
import { redeem, registerRp, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;

/** The SSO redirect the broker sent the browser to, and what it carried. */
function ssoRequest(browser: Browser) {
  const sso = browser.history.find((h) => h.url.includes('/proeftuin/digid/sso?'))!;
  const url = new URL(sso.url);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest')!, 'base64')).toString();
  return { url, relayState: url.searchParams.get('RelayState')!, requestId: /\sID="([^"]+)"/.exec(xml)![1]! };
}

function noCodeIssued(browser: Browser, rp: TestRp) {
  assert.ok(
    !browser.history.some((h) => h.location?.startsWith(rp.redirectUri)),
    'no redirect to the client',
  );
}

let attackerKey: SamlKeyPair;
before(async () => {
  attackerKey = await generateKeyPair('Attacker');
});

for (const backend of BACKENDS)
  describe(`DigiD over SAML end to end (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let rp: TestRp;
    let postDezi: TestDezi;
    let postRp: TestRp;

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db });
      rp = await registerRp(dezi.url);
      // A second instance on the same database whose AuthnRequests ask for the HTTP-POST binding.
      postDezi = await startDezi({
        db: database.db,
        config: { digid: { spEntityId: null, spKeyFiles: null, idpMetadata: null, responseBinding: 'post' } },
      });
      postRp = await registerRp(postDezi.url);
    });
    after(async () => {
      await postDezi?.stop();
      await dezi?.stop();
      await database?.close();
    });

    /** From "Hoe wilt u inloggen?" to the stand-in's login page. */
    async function atDigid(d: TestDezi, client: TestRp) {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, client);
      const idpPage = await browser.submit(page, '/means', { means: 'digid' }, client.redirectUri);
      assert.equal(idpPage.status, 200, idpPage.body.slice(0, 300));
      assert.match(idpPage.url, new RegExp(`^${d.url}/proeftuin/digid/sso\\?`));
      return { browser, request, idpPage };
    }

    test('metadata: the SP publishes its certificate and both ACS bindings; the stand-in is standard IdP metadata', async () => {
      const sp = await fetch(`${dezi.url}/means/digid/metadata`);
      assert.equal(sp.status, 200);
      assert.match(sp.headers.get('content-type')!, /application\/samlmetadata\+xml/);
      const spXml = await sp.text();
      assert.match(spXml, new RegExp(`entityID="${dezi.url}/means/digid/metadata"`));
      assert.match(spXml, /AuthnRequestsSigned="true"/);
      assert.match(spXml, new RegExp(`HTTP-Artifact" Location="${dezi.url}/means/digid/acs" index="0"`));
      assert.match(spXml, new RegExp(`HTTP-POST" Location="${dezi.url}/means/digid/acs" index="1"`));
      const idp = parseIdpMetadata(await (await fetch(`${dezi.url}/proeftuin/digid/metadata`)).text());
      assert.equal(idp.ssoRedirectUrl, `${dezi.url}/proeftuin/digid/sso`);
      assert.equal(idp.artifactResolution.get(0), `${dezi.url}/proeftuin/digid/artifact`);
    });

    test('the artifact binding: only an opaque artifact crosses the browser, and the login completes', async () => {
      const { browser, request, idpPage } = await atDigid(dezi, rp);
      const done = await browser.submit(
        idpPage,
        '/proeftuin/digid/authenticate',
        { bsn: JANSEN.bsn, action: 'login' },
        rp.redirectUri,
      );
      assert.equal(done.status, 303);
      const acs = browser.history.find((h) => h.url.startsWith(`${dezi.url}/means/digid/acs?`))!;
      assert.match(
        new URL(acs.url).searchParams.get('SAMLart')!,
        /^AAQAA/,
        'a type 0004 artifact, endpoint 0',
      );
      for (const h of browser.history) {
        assert.ok(!h.url.includes(JANSEN.bsn) && !(h.location ?? '').includes(JANSEN.bsn), h.url);
        assert.ok(!h.url.includes('SAMLResponse=P'), 'no Response in a URL');
      }
      const tokens = await redeem(rp, done.location!, request);
      assert.equal(tokens.claims()!.acr, 'http://eidas.europa.eu/LoA/high');
    });

    test('the HTTP-POST binding: the Response is posted to the ACS cross-site, parked, and the login completes', async () => {
      const { browser, request, idpPage } = await atDigid(postDezi, postRp);
      const posting = await browser.submit(idpPage, '/proeftuin/digid/authenticate', {
        bsn: JANSEN.bsn,
        action: 'login',
      });
      assert.equal(posting.status, 200);
      assert.match(posting.body, /<form method="post" action="[^"]+\/means\/digid\/acs" id="saml-post">/);
      assert.match(posting.body, /<script src="\/proeftuin\/digid\/autopost.js"><\/script>/);
      // A cross-site POST carries no SameSite=Lax cookie: the ACS needs none.
      const cookieless = new Browser();
      const parked = await cookieless.submit(posting, '/means/digid/acs', {}, `${postDezi.url}/interaction/`);
      assert.equal(parked.status, 303);
      assert.match(parked.location!, /\/callback\/digid\?RelayState=[^&]+&SAMLResponse=parked$/);
      // The 303 is a top-level GET, which does carry the interaction cookie.
      const done = await browser.follow(parked, postRp.redirectUri);
      assert.equal(done.status, 303, done.body.slice(0, 500));
      const tokens = await redeem(postRp, done.location!, request);
      assert.ok(tokens.access_token);
      // The same POST again: nothing is pending for it any more.
      const again = await cookieless.submit(posting, '/means/digid/acs', {}, `${postDezi.url}/interaction/`);
      assert.equal(again.status, 400);
      assert.match(again.body, /Uw inlogsessie is verlopen/);
    });

    test('an artifact resolved before the browser brings it: a readable page, no code', async () => {
      const { browser, idpPage } = await atDigid(dezi, rp);
      const toAcs = await browser.submit(
        idpPage,
        '/proeftuin/digid/authenticate',
        { bsn: JANSEN.bsn, action: 'login' },
        `${dezi.url}/means/digid/acs`,
      );
      const artifact = new URL(toAcs.location!).searchParams.get('SAMLart')!;
      // Someone with the SP key resolves it first (the IdP resolves an artifact once).
      const spKey = await storedKeyPair(dezi.db, dezi.secrets, 'digid-sp', 'unused');
      const resolve = async (key: SamlKeyPair) => {
        const r = artifactResolveXml({
          issuer: `${dezi.url}/means/digid/metadata`,
          destination: `${dezi.url}/proeftuin/digid/artifact`,
          artifact,
          key,
        });
        const res = await fetch(`${dezi.url}/proeftuin/digid/artifact`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          body: soapEnvelope(r.xml),
        });
        assert.equal(res.status, 200);
        return res.text();
      };
      assert.match(await resolve(attackerKey), /status:RequestDenied/, 'another key is refused');
      assert.match(await resolve(spKey), /<samlp:Response /);
      const second = await resolve(spKey);
      assert.match(second, /status:Success/);
      assert.doesNotMatch(second, /<samlp:Response /, 'the second time there is no message');
      const page = await browser.follow(toAcs, rp.redirectUri);
      assert.equal(page.status, 400);
      assert.match(page.body, /Inloggen is niet gelukt/);
      noCodeIssued(browser, rp);
    });

    test('forged Responses posted to the ACS: unsigned, signed by another key, wrapped; each a readable page, no code', async () => {
      const forgeries: ((requestId: string) => string)[] = [
        (requestId) =>
          responseXml({
            idpEntityId: `${dezi.url}/proeftuin/digid/metadata`,
            acsUrl: `${dezi.url}/means/digid/acs`,
            inResponseTo: requestId,
            assertion: assertionXml(fieldsFor(requestId)),
          }),
        (requestId) => signedResponseXml(fieldsFor(requestId), attackerKey),
        (requestId) =>
          responseXml({
            idpEntityId: `${dezi.url}/proeftuin/digid/metadata`,
            acsUrl: `${dezi.url}/means/digid/acs`,
            inResponseTo: requestId,
            assertion:
              signSamlElement(assertionXml(fieldsFor(requestId)), 'Assertion', attackerKey) +
              assertionXml(fieldsFor(requestId)),
          }),
      ];
      function fieldsFor(requestId: string) {
        return {
          idpEntityId: `${dezi.url}/proeftuin/digid/metadata`,
          spEntityId: `${dezi.url}/means/digid/metadata`,
          acsUrl: `${dezi.url}/means/digid/acs`,
          inResponseTo: requestId,
          nameId: `s00000000:${JANSEN.bsn}`,
          classRef: DIGID_LEVEL.hoog,
        };
      }
      for (const forge of forgeries) {
        const { browser } = await atDigid(dezi, rp);
        const { relayState, requestId } = ssoRequest(browser);
        const posted = await browser.request(`${dezi.url}/means/digid/acs`, {
          form: { SAMLResponse: Buffer.from(forge(requestId)).toString('base64'), RelayState: relayState },
        });
        assert.equal(posted.status, 303);
        const page: Exchange = await browser.follow(posted, rp.redirectUri);
        assert.equal(page.status, 400);
        assert.match(page.body, /Inloggen is niet gelukt/);
        assert.doesNotMatch(page.body, /Error|at .*\.ts/, 'no stack trace');
        noCodeIssued(browser, rp);
      }
      assert.match(dezi.logs.text(), /"reason":"SAML response refused: Invalid signature/);
      assert.ok(!dezi.logs.text().includes(JANSEN.bsn), 'no BSN in the logs');
    });

    test('the ACS takes a Response beyond the 16 KiB form limit, and refuses one over 128 KiB', async () => {
      for (const [padding, status] of [
        [40_000, 303],
        [140_000, 413],
      ] as const) {
        const { browser } = await atDigid(dezi, rp);
        const { relayState } = ssoRequest(browser);
        const big = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><!--${'x'.repeat(padding)}--></samlp:Response>`;
        const posted = await browser.request(`${dezi.url}/means/digid/acs`, {
          form: { SAMLResponse: Buffer.from(big).toString('base64'), RelayState: relayState },
        });
        assert.equal(posted.status, status);
        if (status === 303) {
          const page = await browser.follow(posted, rp.redirectUri);
          assert.equal(page.status, 400);
          assert.match(page.body, /Inloggen is niet gelukt/);
        }
        noCodeIssued(browser, rp);
      }
    });

    test('the ACS refuses an unknown RelayState and a malformed request with a readable page', async () => {
      const browser = new Browser();
      for (const url of [
        `${dezi.url}/means/digid/acs?SAMLart=AAQAAA&RelayState=${'x'.repeat(43)}`,
        `${dezi.url}/means/digid/acs?RelayState=${'x'.repeat(43)}`,
        `${dezi.url}/means/digid/acs?SAMLart=AAQAAA&RelayState=%3Cscript%3E`,
      ]) {
        const page = await browser.request(url);
        assert.equal(page.status, 400, url);
        assert.match(page.body, /Uw inlogsessie is verlopen/);
      }
    });

    test('the stand-in refuses an AuthnRequest without, or with a broken, signature', async () => {
      const { browser } = await atDigid(dezi, rp);
      const { url } = ssoRequest(browser);
      const unsigned = new URL(url);
      unsigned.searchParams.delete('Signature');
      const tampered = new URL(url);
      tampered.searchParams.set('RelayState', 'y'.repeat(43));
      for (const u of [unsigned, tampered]) {
        const page = await browser.request(u.href);
        assert.equal(page.status, 400);
        assert.match(page.body, /Ongeldig verzoek/);
        assert.doesNotMatch(page.body, /Testpersoon/);
      }
      assert.match(dezi.logs.text(), /proeftuin DigiD refused an AuthnRequest/);
    });

    test('the stand-in answers a malformed SOAP message with a fault', async () => {
      const res = await fetch(`${dezi.url}/proeftuin/digid/artifact`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: '<not-soap/>',
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /soapenv:Fault/);
    });

    test('cancelling at DigiD comes back as AuthnFailed and reads as a cancelled login', async () => {
      const { browser, idpPage } = await atDigid(dezi, rp);
      const page = await browser.submit(
        idpPage,
        '/proeftuin/digid/authenticate',
        { action: 'cancel' },
        rp.redirectUri,
      );
      assert.equal(page.status, 400);
      assert.match(page.body, /Inloggen geannuleerd/);
      const retry = await browser.goto(
        new URL(/href="([^"]+)">Opnieuw proberen/.exec(page.body)![1]!, dezi.url).href,
      );
      const done = await digidLogin(browser, retry, JANSEN.bsn, rp.redirectUri);
      assert.equal(done.status, 303);
    });
  });

describe('DigiD configuration', () => {
  const FILE = import.meta.filename;
  const base = {
    DEZI_SECRET: 'a'.repeat(64),
    DEZI_ISSUER: 'https://dezi.example',
    DEZI_DATA_DIR: '/nonexistent-dezi',
    DEZI_PROEFTUIN_REGISTRATION_TOKEN: 'x'.repeat(20),
  };

  test('proeftuin: the stand-in unless metadata is named; the response binding is a choice', () => {
    assert.deepEqual(loadConfig({ ...base }).digid, {
      spEntityId: null,
      spKeyFiles: null,
      idpMetadata: null,
      responseBinding: 'artifact',
      backChannelTls: null,
    });
    const c = loadConfig({
      ...base,
      DEZI_DIGID_IDP_METADATA: 'https://idp.example/metadata',
      DEZI_DIGID_RESPONSE_BINDING: 'post',
    }).digid!;
    assert.deepEqual(c.idpMetadata, { kind: 'url', url: 'https://idp.example/metadata' });
    assert.equal(c.responseBinding, 'post');
  });

  test('production: no DigiD without metadata; with it, the SP key files and entity ID are required', () => {
    const prod = { ...base, DEZI_MODE: 'production', DATABASE_URL: 'postgres://x/y' };
    assert.equal(loadConfig(prod).digid, null);
    assert.throws(
      () => loadConfig({ ...prod, DEZI_DIGID_IDP_METADATA: 'https://idp.example/metadata' }),
      /DEZI_DIGID_SP_KEY_FILE/,
    );
    assert.throws(
      () => loadConfig({ ...prod, DEZI_DIGID_IDP_METADATA: 'http://idp.example/metadata' }),
      (err: unknown) => err instanceof ConfigError && /https/.test(err.message),
    );
    assert.throws(
      () => loadConfig({ ...prod, DEZI_DIGID_IDP_METADATA: '/nonexistent/metadata.xml' }),
      /does not exist/,
    );
    assert.throws(() => loadConfig({ ...base, DEZI_DIGID_RESPONSE_BINDING: 'redirect' }), /artifact/);
    assert.throws(() => loadConfig({ ...base, DEZI_DIGID_SP_KEY_FILE: FILE }), /go together/);
    assert.throws(() => loadConfig({ ...base, DEZI_DIGID_TLS_CERT_FILE: FILE }), /go together/);
    const tls = loadConfig({
      ...base,
      DEZI_DIGID_TLS_KEY_FILE: FILE,
      DEZI_DIGID_TLS_CERT_FILE: FILE,
    }).digid!.backChannelTls;
    assert.deepEqual(tls, { key: FILE, cert: FILE, ca: null });
  });

  test('DEZI_DIGID_TLS_CA_FILE is honoured on its own (no client certificate) and with one', () => {
    const prod = {
      ...base,
      DEZI_MODE: 'production',
      DATABASE_URL: 'postgres://x/y',
      DEZI_DIGID_IDP_METADATA: 'https://idp.example/metadata',
      DEZI_DIGID_SP_ENTITY_ID: 'https://dezi.example/means/digid/metadata',
      DEZI_DIGID_SP_KEY_FILE: FILE,
      DEZI_DIGID_SP_CERT_FILE: FILE,
    };
    for (const env of [base, prod]) {
      assert.deepEqual(loadConfig({ ...env, DEZI_DIGID_TLS_CA_FILE: FILE }).digid!.backChannelTls, {
        key: null,
        cert: null,
        ca: FILE,
      });
      assert.deepEqual(
        loadConfig({
          ...env,
          DEZI_DIGID_TLS_KEY_FILE: FILE,
          DEZI_DIGID_TLS_CERT_FILE: FILE,
          DEZI_DIGID_TLS_CA_FILE: FILE,
        }).digid!.backChannelTls,
        { key: FILE, cert: FILE, ca: FILE },
      );
    }
    assert.throws(
      () => loadConfig({ ...prod, DEZI_DIGID_TLS_CA_FILE: '/nonexistent/ca.pem' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /DEZI_DIGID_TLS_CA_FILE.*\/nonexistent\/ca\.pem.*does not exist/.test(err.message),
    );
  });
});
