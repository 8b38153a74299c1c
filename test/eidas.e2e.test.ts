// The eIDAS means end to end with the proeftuin's eIDAS node stand-in, over HTTP: a foreign eID that is
// linked logs in; one that is not gets the page on linking (audited as a refusal), is linked in Mijn
// Dezi after logging in there with DigiD, and then logs in. The login of the linked German identity
// with the whole verklaring is in login-per-means.e2e.test.ts.
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { LOA } from '../src/means/loa.ts';
import { parseIdpMetadata } from '../src/means/saml/metadata.ts';
import { EIDAS_TEST_IDENTITIES } from '../src/proeftuin/eidas-identities.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser, pageText } from './helpers/browser.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { eidasLogin, mijnDeziLogin, startLogin } from './helpers/login.ts';
import { redeem, registerRp, type TestRp } from './helpers/rp.ts';

const identity = (key: string) => EIDAS_TEST_IDENTITIES.find((i) => i.key === key)!;
const SCHMIDT = identity('de-schmidt');
const PEETERS = identity('be-peeters');
const WEBER = identity('de-weber');
const SMIT = SEED_PERSONS.find((p) => p.deziNummer === SCHMIDT.linkedTo)!;
const BERG = SEED_PERSONS.find((p) => p.achternaam === 'Berg')!;

for (const backend of BACKENDS)
  describe(`eIDAS end to end (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let rp: TestRp;

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db });
      rp = await registerRp(dezi.url);
    });
    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    /** The last login audit record of the eIDAS means. */
    async function lastEidasLogin() {
      const [row] = await dezi.db.query<{
        outcome: string;
        actor: string | null;
        detail: Record<string, unknown>;
      }>(
        "SELECT outcome, actor, detail FROM audit_events WHERE action = 'login' AND detail->>'means' = 'eidas' ORDER BY id DESC LIMIT 1",
      );
      return row;
    }

    test('metadata: the SP publishes its certificate and ACS; the stand-in is standard IdP metadata', async () => {
      const sp = await (await fetch(`${dezi.url}/means/eidas/metadata`)).text();
      assert.match(sp, new RegExp(`entityID="${dezi.url}/means/eidas/metadata"`));
      assert.match(
        sp,
        new RegExp(`HTTP-POST" Location="${dezi.url}/means/eidas/acs" index="0" isDefault="true"`),
      );
      assert.doesNotMatch(sp, /HTTP-Artifact/, 'the eIDAS network has no artifact binding');
      const node = parseIdpMetadata(await (await fetch(`${dezi.url}/proeftuin/eidas/metadata`)).text());
      assert.equal(node.ssoRedirectUrl, `${dezi.url}/proeftuin/eidas/sso`);
      assert.equal(node.artifactResolution.size, 0);
    });

    test('the stand-in: a country and an identity to pick; the Response comes back by a form that also works without JavaScript', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const node = await browser.submit(page, '/means', { means: 'eidas' });
      assert.equal(node.status, 200);
      const sso = new URL(node.url);
      assert.equal(sso.pathname, '/proeftuin/eidas/sso');
      const request = inflateRawSync(Buffer.from(sso.searchParams.get('SAMLRequest')!, 'base64')).toString();
      assert.match(request, /<eidas:SPType[^>]*>public</);
      // The ACS takes no artifact, also not for a login that is pending.
      const artifact = await fetch(
        `${dezi.url}/means/eidas/acs?SAMLart=AAQAAA&RelayState=${sso.searchParams.get('RelayState')}`,
        { redirect: 'manual' },
      );
      assert.equal(artifact.status, 400);
      const text = pageText(node.body);
      for (const country of ['Duitsland', 'België']) assert.ok(text.includes(country), country);
      for (const i of EIDAS_TEST_IDENTITIES) assert.ok(text.includes(i.personIdentifier), i.personIdentifier);
      // Nothing picked: the page again, with the error.
      const none = await browser.submit(node, '/proeftuin/eidas/authenticate', { action: 'login' });
      assert.equal(none.status, 400);
      assert.match(none.body, /Kies een testpersoon/);
      const posting = await browser.submit(none, '/proeftuin/eidas/authenticate', {
        identity: SCHMIDT.key,
        action: 'login',
      });
      assert.equal(posting.status, 200);
      assert.match(posting.body, /<form method="post" action="[^"]+\/means\/eidas\/acs" id="saml-post">/);
      assert.match(posting.body, /<button[^>]*type="submit"/);
      assert.match(posting.body, /<script src="\/proeftuin\/eidas\/autopost.js"><\/script>/);
      assert.ok(!posting.body.includes(SCHMIDT.personIdentifier), 'the assertion is encrypted for the SP');
      const script = await fetch(`${dezi.url}/proeftuin/eidas/autopost.js`);
      assert.match(await script.text(), /saml-post/);
    });

    test('an identity below the level asked for: the page that says so, no code', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp, { acr_values: LOA.high });
      const done = await eidasLogin(browser, page, WEBER.key, rp.redirectUri);
      assert.equal(done.status, 400, done.body.slice(0, 300));
      assert.match(pageText(done.body), /Betrouwbaarheidsniveau te laag/);
      assert.equal((await lastEidasLogin())?.detail.reason, 'means_loa_too_low');
    });

    test('an unlinked identity: the page on linking, audited; linked in Mijn Dezi, it logs in', async () => {
      // Not linked: how to link it, in Dutch (and in English when asked), no code for the client.
      const stranger = new Browser();
      const first = await startLogin(stranger, rp);
      const refused = await eidasLogin(stranger, first.page, PEETERS.key, rp.redirectUri);
      assert.equal(refused.status, 403, refused.body.slice(0, 300));
      assert.ok(refused.url.endsWith('/uitkomst'), refused.url);
      const text = pageText(refused.body);
      assert.match(text, /Dit inlogmiddel is nog niet gekoppeld/);
      assert.match(text, /Mijn Dezi/);
      assert.ok(!/\b(link|login means|the)\b/i.test(text.replace(/Mijn Dezi|eIDAS/g, '')), 'no English');
      assert.match(refused.body, /href="\/mijn-dezi"/);
      const english = await stranger.goto(`${refused.url}?lang=en`);
      assert.match(pageText(english.body), /This login means is not linked yet/);
      assert.ok(!stranger.history.some((h) => h.location?.startsWith(rp.redirectUri)), 'no code');
      const audit = await lastEidasLogin();
      assert.equal(audit?.outcome, 'failure');
      assert.equal(audit?.detail.reason, 'unknown_person');
      assert.ok(!JSON.stringify(audit).includes(PEETERS.personIdentifier), 'no PersonIdentifier audited');

      // Mijn Dezi: logged in with DigiD, "Een inlogmiddel koppelen", the European eID, the stand-in.
      const { browser: berg } = await mijnDeziLogin(dezi.url, BERG.bsn);
      const which = await berg.goto(`${dezi.url}/mijn-dezi/koppelen`);
      assert.match(which.body, /value="eidas"/);
      const atLogin = await berg.submit(which, '/mijn-dezi/koppelen', { means: 'eidas' });
      const linked = await eidasLogin(berg, atLogin, PEETERS.key, 'http://never.invalid/');
      assert.match(linked.url, /melding=gekoppeld/, linked.body.slice(0, 300));
      const person = (await dezi.register.findPersonByDeziNummer(BERG.deziNummer))!;
      assert.deepEqual(
        (await dezi.register.listLinkedMeans(person.id)).map((m) => [m.meansId, m.subject]),
        [['eidas', PEETERS.personIdentifier]],
      );

      // Now the same identity logs in at the zorgapplicatie, as P. van den Berg.
      const again = new Browser();
      const second = await startLogin(again, rp);
      const done = await eidasLogin(again, second.page, PEETERS.key, rp.redirectUri);
      assert.equal(done.status, 303, done.body.slice(0, 300));
      const tokens = await redeem(rp, done.location!, second.request);
      assert.equal(tokens.claims()!.acr, LOA.high);
      const success = await lastEidasLogin();
      assert.equal(success?.outcome, 'success');
      assert.equal(success?.actor, BERG.deziNummer);
    });

    test('the linked German identity logs in as D. Smit at once (seeded)', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const done = await eidasLogin(browser, page, SCHMIDT.key, rp.redirectUri);
      assert.equal(done.status, 303, done.body.slice(0, 300));
      assert.ok((await redeem(rp, done.location!, request)).access_token);
      assert.equal((await lastEidasLogin())?.actor, SMIT.deziNummer);
    });
  });
