// Beheer, zorgapplicaties: register one in the form (public with PKCE and the encryption certificate
// as an uploaded PEM file; or with its JWKS and a pasted certificate), through the path of `dezi client
// add`, so that it logs people in and gets userinfo encrypted to that certificate; the form's refusals
// in Dutch, nothing stored; change its name and redirect URIs; disable it (no login through it) and
// enable it again; its last logins. Each change audited with the operator as actor.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser, findForm, type Exchange } from './helpers/browser.ts';
import { assertNoBsn, auditOf, OPERATOR, OPERATOR_CONFIG, operatorBrowser } from './helpers/beheer.ts';
import { encryptionCertificate, type EncryptionCertificate } from './helpers/certificates.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { keyMaterial } from './helpers/rp.ts';
import { specRp } from './helpers/spec-rp.ts';

const OPERATOR_ACTOR = `operator:${OPERATOR.deziNummer}`;
const JANSEN = SEED_PERSONS[0]!;
const REDIRECT = 'https://epd-zuid.test/callback';

/**
 * Posts the registration form as a browser does, multipart/form-data with the certificate as a file,
 * with the browser's cookies; returns the page it leads to.
 */
async function postRegistration(
  browser: Browser,
  url: string,
  form: Exchange,
  fields: Record<string, string>,
  file?: { name: string; text: string },
): Promise<Exchange> {
  const { action, fields: hidden } = findForm(form.body, '/beheer/zorgapplicaties/nieuw');
  const body = new FormData();
  for (const [k, v] of Object.entries({ ...hidden, ...fields })) body.set(k, v);
  body.set(
    'certificaatBestand',
    new Blob([file?.text ?? ''], { type: 'application/x-pem-file' }),
    file?.name ?? '',
  );
  const cookie = browser
    .cookies()
    .filter((c) => c.path === '/')
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
  const res = await fetch(new URL(action, url), {
    method: 'POST',
    body,
    headers: { cookie, accept: 'text/html', origin: new URL(url).origin },
    redirect: 'manual',
  });
  const text = await res.text();
  if (res.status === 303) return browser.goto(new URL(res.headers.get('location')!, url).href);
  return {
    method: 'POST',
    url: new URL(action, url).href,
    status: res.status,
    location: null,
    headers: {},
    body: text,
  };
}

const clientIdOf = (page: Exchange) =>
  /\/beheer\/zorgapplicaties\/([^/?]+)\?melding=geregistreerd$/.exec(page.url)?.[1];

for (const backend of BACKENDS)
  describe(`beheer: zorgapplicaties (${backend})`, () => {
    let dezi: TestDezi;
    let browser: Browser;
    let cert: EncryptionCertificate;
    let publicClientId: string;
    withDezi(backend, { config: OPERATOR_CONFIG }, async (f) => {
      dezi = f.dezi;
      browser = await operatorBrowser(dezi.url);
      cert = await encryptionCertificate();
    });

    const clientCount = async () =>
      (
        await dezi.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM oidc_payloads WHERE model = 'Client'",
        )
      )[0]!.n;

    test('register a public zorgapplicatie with its certificate as a file; it logs people in, userinfo encrypted to it', async () => {
      const form = await browser.goto(`${dezi.url}/beheer/zorgapplicaties/nieuw`);
      assert.equal(form.status, 200);
      assert.match(form.body, /enctype="multipart\/form-data"/);
      const done = await postRegistration(
        browser,
        dezi.url,
        form,
        {
          naam: 'EPD Zuid',
          organisatie: 'Zorgsoft Test B.V.',
          redirectUris: `${REDIRECT}\r\nhttps://epd-zuid.test/tweede\r\n`,
          soort: 'publiek',
          jwks: '',
          certificaat: '',
        },
        { name: 'epd-zuid.pem', text: cert.certPem },
      );
      assert.equal(
        done.status,
        200,
        /Technische melding:.*/.exec(done.body)?.[0] ?? done.body.slice(0, 1500),
      );
      const clientId = clientIdOf(done);
      assert.ok(clientId, done.url);
      publicClientId = clientId;
      assert.match(done.body, /De zorgapplicatie is geregistreerd/);
      assert.match(done.body, new RegExp(`<code(?: class="[^"]*")?>${clientId}</code>`));
      assert.match(done.body, /Openbaar, met PKCE/);
      assert.match(done.body, /versleuteld; certificaat geldig tot/);
      assert.match(done.body, /Er heeft nog niemand ingelogd/);
      const [registered] = await auditOf(dezi.db, 'client.register');
      assert.deepEqual(
        [
          registered!.actor,
          registered!.client_id,
          registered!.target,
          registered!.detail.encrypted,
          registered!.detail.public,
        ],
        [OPERATOR_ACTOR, clientId, `client:${clientId}`, true, true],
      );

      const rp = specRp(dezi.url, clientId, REDIRECT);
      const out = await rp.login(JANSEN.bsn);
      const tokens = await rp.token(out);
      const info = await rp.userinfo(tokens.access_token, { decryptionKey: cert.privateKey });
      assert.equal(info.jweHeader?.kid, cert.x5tS256, 'encrypted to the uploaded certificate');
      assert.equal(info.verklaring.dezi_nummer, JANSEN.deziNummer);

      const page = await browser.goto(`${dezi.url}/beheer/zorgapplicaties/${clientId}`);
      assert.match(page.body, /De laatste 1 aanmeldingen/);
      assert.match(
        page.body,
        new RegExp(
          `<a(?: class="[^"]*")? href="/beheer/personen/${JANSEN.deziNummer}">${JANSEN.deziNummer}</a>`,
        ),
      );
      assert.match(page.body, /DigiD/);
      assert.match(page.body, /geslaagd/);
      const list = await browser.goto(`${dezi.url}/beheer/zorgapplicaties`);
      assert.match(list.body, new RegExp(`href="/beheer/zorgapplicaties/${clientId}">EPD Zuid</a>`));
      assert.doesNotMatch(list.body, /dezi-portal/, "Dezi's own portal client is not listed");
      assert.equal((await browser.goto(`${dezi.url}/beheer/zorgapplicaties/dezi-portal`)).status, 404);
    });

    test('register one with its own keys (JWKS) and a pasted certificate', async () => {
      const { jwks } = await keyMaterial();
      const form = await browser.goto(`${dezi.url}/beheer/zorgapplicaties/nieuw`);
      const done = await postRegistration(browser, dezi.url, form, {
        naam: 'ECD Noord',
        organisatie: '',
        redirectUris: 'https://ecd-noord.test/cb',
        soort: 'sleutels',
        jwks: JSON.stringify({ keys: [jwks.keys[0]] }),
        certificaat: cert.certPem,
      });
      const clientId = clientIdOf(done);
      assert.ok(clientId, `${done.status} ${done.body.slice(0, 1500)}`);
      const [row] = await dezi.db.query<{
        payload: Record<string, unknown> & { jwks: { keys: { use: string; kid: string }[] } };
      }>("SELECT payload FROM oidc_payloads WHERE model = 'Client' AND id = $1", [clientId]);
      assert.equal(row!.payload.token_endpoint_auth_method, 'private_key_jwt');
      assert.deepEqual(row!.payload.jwks.keys.map((k) => k.use).sort(), ['enc', 'sig']);
      assert.equal(row!.payload.jwks.keys.find((k) => k.use === 'enc')!.kid, cert.x5tS256);
      assert.match(done.body, /Met eigen sleutels/);
    });

    test('the form refuses what cannot work, in Dutch at the field, keeps the input, stores nothing', async () => {
      const before = await clientCount();
      const expired = await encryptionCertificate({ notAfter: new Date(Date.now() - 86_400_000) });
      const signing = await encryptionCertificate({ keyUsage: 'digitalSignature' });
      const { jwks } = await keyMaterial();
      const base = {
        naam: 'Fout EPD',
        organisatie: '',
        redirectUris: REDIRECT,
        soort: 'publiek',
        jwks: '',
        certificaat: '',
      };
      const cases: [
        string,
        Record<string, string>,
        { name: string; text: string } | undefined,
        string,
        RegExp,
      ][] = [
        ['no name', { naam: '' }, undefined, 'naam', /Vul de naam van de zorgapplicatie in/],
        [
          'no redirect URI',
          { redirectUris: '  \n ' },
          undefined,
          'redirectUris',
          /ten minste één terugkeeradres/,
        ],
        [
          'http elsewhere than localhost',
          { redirectUris: 'http://epd.test/cb' },
          undefined,
          'redirectUris',
          /&quot;http:\/\/epd\.test\/cb&quot; is geen geldig terugkeeradres/,
        ],
        [
          'two hosts',
          { redirectUris: `${REDIRECT}\nhttps://elders.test/cb` },
          undefined,
          'redirectUris',
          /op dezelfde host/,
        ],
        [
          'a fragment',
          { redirectUris: 'https://epd.test/cb#x' },
          undefined,
          'redirectUris',
          /geen geldig terugkeeradres/,
        ],
        [
          'keys without a JWKS',
          { soort: 'sleutels', jwks: 'geen json' },
          undefined,
          'jwks',
          /Plak de publieke sleutels als JSON/,
        ],
        [
          'a public client with a JWKS',
          { jwks: JSON.stringify(jwks) },
          undefined,
          'jwks',
          /Een openbare zorgapplicatie heeft geen eigen sleutels/,
        ],
        [
          'keys with only an encryption key',
          { soort: 'sleutels', jwks: JSON.stringify({ keys: [jwks.keys[1]] }) },
          undefined,
          'jwks',
          /ten minste één ondertekensleutel/,
        ],
        [
          'an expired certificate file',
          {},
          { name: 'oud.pem', text: expired.certPem },
          'certificaatBestand',
          /Dit certificaat is verlopen/,
        ],
        [
          'a signing certificate pasted',
          { certificaat: signing.certPem },
          undefined,
          'certificaat',
          /niet bedoeld voor versleutelen/,
        ],
        [
          'garbage pasted',
          { certificaat: 'dit is geen certificaat' },
          undefined,
          'certificaat',
          /geen leesbaar certificaat in PEM-formaat/,
        ],
        [
          'a file and a paste',
          { certificaat: cert.certPem },
          { name: 'c.pem', text: cert.certPem },
          'certificaat',
          /niet allebei/,
        ],
      ];
      for (const [what, fields, file, fieldId, message] of cases) {
        const form = await browser.goto(`${dezi.url}/beheer/zorgapplicaties/nieuw`);
        const res = await postRegistration(browser, dezi.url, form, { ...base, ...fields }, file);
        assert.equal(res.status, 400, what);
        assert.match(res.body, /<title>Fout: Zorgapplicatie registreren · Dezi<\/title>/, what);
        assert.match(res.body, new RegExp(`<a(?: class="[^"]*")? href="#${fieldId}">`), what);
        assert.match(res.body, new RegExp(`id="${fieldId}-error"`), what);
        assert.match(res.body, message, what);
        assert.doesNotMatch(res.body, /lang="en"/, `${what}: no English message on the Dutch page`);
        if (fields.naam !== '') assert.match(res.body, /value="Fout EPD"/, `${what}: the input is kept`);
      }
      assert.equal(await clientCount(), before, 'nothing stored');
    });

    test('change the name and redirect URIs; a wrong URI keeps the input', async () => {
      const page = await browser.goto(`${dezi.url}/beheer/zorgapplicaties/${publicClientId}`);
      const wrong = await browser.submit(page, `/${publicClientId}/wijzigen`, {
        naam: 'EPD Zuid 2',
        redirectUris: 'ftp://epd-zuid.test/cb',
      });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /<a(?: class="[^"]*")? href="#redirectUris">/);
      assert.match(wrong.body, /ftp:\/\/epd-zuid\.test\/cb<\/textarea>/);
      const done = await browser.submit(wrong, `/${publicClientId}/wijzigen`, {
        naam: 'EPD Zuid 2',
        redirectUris: 'https://epd-zuid.test/terug',
      });
      assert.match(done.url, /melding=gewijzigd$/);
      assert.match(done.body, /<h1(?: class="[^"]*")?>EPD Zuid 2<\/h1>/);
      const [row] = await dezi.db.query<{
        payload: { client_name: string; redirect_uris: string[]; jwks: unknown };
      }>("SELECT payload FROM oidc_payloads WHERE model = 'Client' AND id = $1", [publicClientId]);
      assert.equal(row!.payload.client_name, 'EPD Zuid 2');
      assert.deepEqual(row!.payload.redirect_uris, ['https://epd-zuid.test/terug']);
      assert.ok(row!.payload.jwks, 'the encryption key stays');
      const [changed] = await auditOf(dezi.db, 'client.update');
      assert.deepEqual(
        [changed!.actor, changed!.client_id, changed!.detail.fields],
        [OPERATOR_ACTOR, publicClientId, 'client_name,redirect_uris'],
      );
      // The new redirect URI works, the old one no more.
      const login = await specRp(dezi.url, publicClientId, 'https://epd-zuid.test/terug').login(JANSEN.bsn);
      assert.equal(login.final.status, 303);
      assert.match(login.final.location!, /^https:\/\/epd-zuid\.test\/terug\?/);
    });

    test('disable after confirming: no login through it; enable again', async () => {
      const rp = specRp(dezi.url, publicClientId, 'https://epd-zuid.test/terug');
      const page = await browser.goto(`${dezi.url}/beheer/zorgapplicaties/${publicClientId}`);
      const confirm = await browser.submit(page, `/${publicClientId}/uitschakelen`);
      assert.match(confirm.body, /Zorgapplicatie uitschakelen\?/);
      assert.equal((await dezi.db.query('SELECT 1 FROM oidc_disabled_clients')).length, 0);
      const done = await browser.submit(confirm, `/${publicClientId}/uitschakelen`);
      assert.match(done.url, /melding=uitgeschakeld$/);
      assert.match(done.body, /uitgeschakeld \(/);

      const refused = await rp.login(JANSEN.bsn).catch((err: Error) => err);
      assert.ok(refused instanceof Error, 'the login cannot even start');
      const authorize = await new Browser().request(
        `${dezi.url}/authorize?client_id=${publicClientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://epd-zuid.test/terug')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
      );
      assert.equal(authorize.status, 400);
      assert.ok(!authorize.location, 'nothing is sent to the zorgapplicatie');
      const [disabled] = await auditOf(dezi.db, 'client.disable');
      assert.deepEqual([disabled!.actor, disabled!.client_id], [OPERATOR_ACTOR, publicClientId]);

      const enabled = await browser.submit(done, `/${publicClientId}/inschakelen`);
      assert.match(enabled.url, /melding=ingeschakeld$/);
      const again = await rp.login(JANSEN.bsn);
      assert.equal(again.final.status, 303);
      assert.match(again.final.location!, /code=/);
      const [enabledAudit] = await auditOf(dezi.db, 'client.enable');
      assert.equal(enabledAudit!.actor, OPERATOR_ACTOR);
      assertNoBsn(browser);
    });
  });
