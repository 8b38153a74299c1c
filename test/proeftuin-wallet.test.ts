// The proeftuin's web test wallet over HTTP, as a vendor's developer uses it: an offer made in Mijn
// Dezi, its link and code pasted into /proeftuin/wallet, the verklaring received over OpenID4VCI and
// shown with its claims and status; the employment ended, the same credential shows as revoked. Bad
// input gets the form back with its errors and keeps what was typed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Bsn } from '../src/means/bsn.ts';
import type { Actor } from '../src/audit/audit.ts';
import { Browser, decodeEntities, pageText, radioValues, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { codeIssued, digidLogin, mijnDeziLogin, startLogin } from './helpers/login.ts';
import { fetchUserinfo, redeem, type TestRp } from './helpers/rp.ts';

const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!; // one employment
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // one employment
const MULDER = SEED_PERSONS.find((p) => p.achternaam === 'Mulder')!;
const OPERATOR: Actor = { kind: 'operator', name: 'proeftuin-wallet-test' };

const text = pageText;

for (const backend of BACKENDS)
  describe(`the proeftuin's test wallet (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    withDezi(backend, { rp: true }, (f) => {
      ({ dezi, rp } = f);
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

    /** The proeftuin's links on the wallet login page: the TEST wallet opening this login's request. */
    function testWalletLinks(page: Exchange): { otherDevice: string; thisDevice: string } {
      const links = [...page.body.matchAll(/href="(\/proeftuin\/wallet\?verzoek=[^"]+)"/g)].map((m) =>
        decodeEntities(m[1]!),
      );
      assert.equal(links.length, 2, 'both ways into the TEST wallet are linked');
      return { otherDevice: `${dezi.url}${links[0]}`, thisDevice: `${dezi.url}${links[1]}` };
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

    test('a vendor logs in to a zorgapplicatie with the TEST wallet: another device, this device, or declining', async () => {
      // The verklaring into the TEST wallet of the "phone" browser.
      const { browser: phone } = await mijnDeziLogin(dezi.url, JANSEN.bsn);
      const made = await offer(phone);
      const empty = await phone.goto(`${dezi.url}/proeftuin/wallet`);
      const received = await phone.submit(empty, '/proeftuin/wallet/ontvangen', {
        offer: made.link,
        code: made.code,
      });
      assert.match(received.url, /melding=ontvangen/);

      // Another device: the desktop shows the QR page; the phone's wallet opens the request and shows.
      const desktop = new Browser();
      const login = await startLogin(desktop, rp);
      const walletPage = await desktop.submit(login.page, '/means', { means: 'wallet' });
      const request = await phone.goto(testWalletLinks(walletPage).otherDevice);
      assert.equal(request.status, 200, request.body.slice(0, 300));
      const asked = text(request.body);
      assert.match(asked, /Verzoek om te laten zien/);
      assert.match(asked, /Vraagt om dezi_nummer, abonnee_nummer, rol_code, loa_dezi/);
      const [held] = radioValues(request.body, 'id');
      assert.ok(held, 'the credential to show is offered');
      const shown = await phone.submit(request, '/proeftuin/wallet/laten-zien', {
        action: 'present',
        id: held,
      });
      assert.match(shown.url, /melding=getoond/);
      assert.match(text(shown.body), /Getoond\. Ga terug naar het andere apparaat/);
      const final = await desktop.goto(`${walletPage.url}/verder`, rp.redirectUri);
      assert.equal(final.status, 303);
      const tokens = await redeem(rp, final.location!, login.request);
      const userinfo = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(JANSEN.bsn)))!;
      assert.equal(userinfo.verklaring.dezi_nummer, person.deziNummer);

      // This device: the wallet sends the same browser back to the login, which goes on.
      const again = await startLogin(phone, rp, { prompt: 'login' });
      const samePage = await phone.submit(again.page, '/means', { means: 'wallet' });
      const sameRequest = await phone.goto(testWalletLinks(samePage).thisDevice);
      const back = await phone.submit(
        sameRequest,
        '/proeftuin/wallet/laten-zien',
        { action: 'present', id: held },
        rp.redirectUri,
      );
      assert.equal(back.status, 303, back.body.slice(0, 300));
      assert.ok(back.location!.startsWith(rp.redirectUri));
      assert.ok(codeIssued(phone, rp.redirectUri));

      // Declining: nothing is shown, the login page says the login was cancelled.
      const third = new Browser();
      const declined = await startLogin(third, rp);
      const declinePage = await third.submit(declined.page, '/means', { means: 'wallet' });
      const declineRequest = await phone.goto(testWalletLinks(declinePage).otherDevice);
      const declinedShown = await phone.submit(declineRequest, '/proeftuin/wallet/laten-zien', {
        action: 'decline',
      });
      assert.match(declinedShown.url, /melding=geweigerd/);
      const outcome = await third.goto(`${declinePage.url}/verder`, rp.redirectUri);
      assert.match(outcome.body, /Inloggen geannuleerd/);
      assert.ok(!codeIssued(third, rp.redirectUri));

      // A TEST PID instead (the NL wallet's): the BSN of a test person, made when shown, kept nowhere.
      const visser = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
      const pidLogin = new Browser();
      const pidStart = await startLogin(pidLogin, rp);
      const pidPage = await pidLogin.submit(pidStart.page, '/means', { means: 'wallet' });
      const pidRequest = await phone.goto(testWalletLinks(pidPage).otherDevice);
      assert.match(text(pidRequest.body), /Dezi vraagt alleen om: bsn/);
      const pidShown = await phone.submit(pidRequest, '/proeftuin/wallet/laten-zien', {
        action: 'present-pid',
        person: visser.deziNummer,
      });
      assert.match(pidShown.url, /melding=getoond/);
      const pidFinal = await pidLogin.goto(`${pidPage.url}/verder`, rp.redirectUri);
      assert.equal(pidFinal.status, 303, pidFinal.body.slice(0, 300));
      const pidTokens = await redeem(rp, pidFinal.location!, pidStart.request);
      const pidUserinfo = await fetchUserinfo(rp, pidTokens.access_token, pidTokens.claims()!.sub);
      assert.equal(pidUserinfo.verklaring.dezi_nummer, visser.deziNummer);
      const kept = await dezi.db.query<{ credential: string }>(
        'SELECT credential FROM proeftuin_test_wallet',
      );
      assert.equal(kept.length, 1, 'the TEST wallet keeps the verklaring, not the PID');

      // A request that is not this proeftuin's is not fetched.
      const foreign = await phone.goto(
        `${dezi.url}/proeftuin/wallet?verzoek=${encodeURIComponent('openid4vp://?client_id=x&request_uri=https://example.org/r')}`,
      );
      assert.equal(foreign.status, 400);
      assert.match(text(foreign.body), /niet \(meer\) te openen/);
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
