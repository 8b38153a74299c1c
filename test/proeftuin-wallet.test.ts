// The proeftuin's web test wallet over HTTP, as a vendor's developer uses it: an offer made in Mijn
// Dezi, its link and code pasted into /proeftuin/wallet, the verklaring received over OpenID4VCI and
// shown with its claims and status; the employment ended, the same credential shows as revoked. Bad
// input gets the form back with its errors and keeps what was typed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Bsn } from '../src/means/bsn.ts';
import type { Actor } from '../src/audit/audit.ts';
import { Browser, decodeEntities, pageText, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { digidLogin, mijnDeziLogin } from './helpers/login.ts';

const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!; // one employment
const MULDER = SEED_PERSONS.find((p) => p.achternaam === 'Mulder')!;
const OPERATOR: Actor = { kind: 'operator', name: 'proeftuin-wallet-test' };

const text = pageText;

for (const backend of BACKENDS)
  describe(`the proeftuin's test wallet (${backend})`, () => {
    let dezi: TestDezi;
    withDezi(backend, {}, (f) => {
      ({ dezi } = f);
    });

    /** An offer made in Mijn Dezi: the link under "Open de wallet-app" and the code on the page. */
    async function offer(browser: Browser): Promise<{ link: string; code: string; page: Exchange }> {
      const wallet = await browser.goto(`${dezi.url}/mijn-dezi/wallet`);
      const page = await browser.submit(wallet, '/mijn-dezi/wallet/aanbod');
      assert.equal(page.status, 200);
      return {
        link: decodeEntities(/href="(openid-credential-offer:\/\/[^"]+)"/.exec(page.body)![1]!),
        code: /<strong id="tx-code">(\d{6})<\/strong>/.exec(page.body)![1]!,
        page,
      };
    }

    test('receive a verklaring offered in Mijn Dezi; after the employment ends it shows as revoked', async () => {
      const { browser } = await mijnDeziLogin(dezi.url, SMIT.bsn);
      const made = await offer(browser);
      assert.match(made.page.body, /href="\/proeftuin\/wallet"/, 'the offer page points to the test wallet');

      const empty = await browser.goto(`${dezi.url}/proeftuin/wallet`);
      assert.equal(empty.status, 200);
      assert.match(text(empty.body), /Deze wallet is leeg/);
      // Received, not yet looked at: the status list is read first after the revocation below.
      const received = await browser.submit(
        empty,
        '/proeftuin/wallet/ontvangen',
        {
          offer: made.link,
          code: made.code,
        },
        `${dezi.url}/proeftuin/wallet?`,
      );
      assert.equal(received.status, 303, received.body.slice(0, 300));
      assert.match(received.location!, /melding=ontvangen/);

      const person = (await dezi.register.findPersonByBsn(Bsn.parse(SMIT.bsn)))!;
      const [employment] = await dezi.register.activeEmployments(person.id);
      await dezi.register.endEmployment(employment!.id, OPERATOR);

      const shown = await browser.goto(`${dezi.url}/proeftuin/wallet?melding=ontvangen`);
      const shownText = text(shown.body);
      assert.match(shownText, /De verklaring staat in de TEST-wallet/);
      assert.match(shownText, new RegExp(`dezi_nummer ${person.deziNummer}`));
      assert.match(shownText, /achternaam Smit/);
      assert.match(shownText, /Status ingetrokken/);

      // Another browser has a wallet of its own.
      const other = await new Browser().goto(`${dezi.url}/proeftuin/wallet`);
      assert.match(text(other.body), /Deze wallet is leeg/);

      // Removing it empties this wallet.
      const removed = await browser.submit(shown, '/proeftuin/wallet/verwijderen');
      assert.match(removed.url, /melding=verwijderd/);
      assert.match(text(removed.body), /Deze wallet is leeg/);
    });

    test('bad input: the form comes back with its errors and what was typed; a used offer is refused; no token, no post', async () => {
      const { browser } = await mijnDeziLogin(
        dezi.url,
        SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!.bsn,
      );
      const wallet = await browser.goto(`${dezi.url}/proeftuin/wallet`);
      const bad = await browser.submit(wallet, '/proeftuin/wallet/ontvangen', {
        offer: 'https://elders.example',
        code: '12ab',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /<title>Fout: /);
      assert.match(text(bad.body), /Plak de link van het aanbod/);
      assert.match(text(bad.body), /Vul de zes cijfers van de code in/);
      assert.match(bad.body, /https:\/\/elders\.example<\/textarea>/);

      // Only this Dezi's own offers, by value: nothing else is fetched from the proeftuin's network.
      const elsewhere = JSON.stringify({
        credential_issuer: 'http://127.0.0.1:9',
        credential_configuration_ids: ['dezi-verklaring'],
      });
      for (const link of [
        `openid-credential-offer://?credential_offer=${encodeURIComponent(elsewhere)}`,
        `openid-credential-offer://?credential_offer_uri=${encodeURIComponent('http://127.0.0.1:9/offer')}`,
      ]) {
        const other = await browser.submit(wallet, '/proeftuin/wallet/ontvangen', {
          offer: link,
          code: '123456',
        });
        assert.equal(other.status, 400);
        assert.match(
          text(other.body),
          /ontvangt alleen verklaringen die deze proeftuin in Mijn Dezi aanbiedt/,
        );
      }

      const made = await offer(browser);
      const wrong = made.code === '000000' ? '111111' : '000000';
      const refused = await browser.submit(wallet, '/proeftuin/wallet/ontvangen', {
        offer: made.link,
        code: wrong,
      });
      assert.equal(refused.status, 400);
      assert.match(text(refused.body), /Dezi gaf de verklaring niet/);
      // The wrong code used the offer up: the right one now finds nothing either.
      const again = await browser.submit(wallet, '/proeftuin/wallet/ontvangen', {
        offer: made.link,
        code: made.code,
      });
      assert.match(text(again.body), /Dezi gaf de verklaring niet/);

      const forged = await browser.request(`${dezi.url}/proeftuin/wallet/ontvangen`, {
        form: { csrf: 'forged', offer: made.link, code: made.code },
      });
      assert.equal(forged.status, 403);
    });

    test('"Haal op via inloggen": the test wallet starts on its own, the person logs in and chooses, the verklaring arrives', async () => {
      const browser = new Browser();
      const wallet = await browser.goto(`${dezi.url}/proeftuin/wallet`);
      assert.match(text(wallet.body), /Haal op via inloggen/);
      // Not logged in: the wallet's request goes through Dezi's login and back to the choice.
      const login = await browser.submit(wallet, '/proeftuin/wallet/inloggen');
      assert.equal(login.status, 200);
      const choice = await digidLogin(browser, login, MULDER.bsn, 'http://never.invalid/');
      assert.match(choice.url, /\/wallet\/authorize\?/);
      const received = await browser.submit(choice, '/wallet/authorize');
      assert.match(received.url, /\/proeftuin\/wallet\?melding=ontvangen/);
      assert.match(text(received.body), /De verklaring staat in de TEST-wallet/);
      assert.match(text(received.body), /achternaam Mulder/);

      // Coming back without a login in flight (a reload): a page that says so.
      const reload = await browser.goto(`${dezi.url}/proeftuin/wallet/terug?code=x&iss=y`);
      assert.equal(reload.status, 400);
      assert.match(text(reload.body), /Het ophalen via inloggen is niet gelukt/);
    });
  });
