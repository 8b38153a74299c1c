// Mijn Dezi's "Mijn wallet" over HTTP: a person logged in at high puts the verklaring of one
// employment in a wallet (the offer's QR code, its link and the transaction code on the page; the
// wallet is @openid4vc's client), sees the credential with its status, and revokes it (its status
// bit set). Refused: an offer at a lower level, for an employment that is not the person's, without
// the form's token.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { testWalletProvider } from '../src/proeftuin/test-wallet-provider.ts';
import { LOA } from '../src/means/loa.ts';
import { Bsn } from '../src/means/bsn.ts';
import { REVOKED, VALID } from '../src/wallet/status-list.ts';
import { decodeEntities, findForm, pageText } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { mijnDeziLogin } from './helpers/login.ts';
import { receiveCredential, testWallet } from './helpers/wallet.ts';

const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!; // De Linde and Zuidwijk
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;

const text = pageText;

for (const backend of BACKENDS)
  describe(`Mijn Dezi: Mijn wallet (${backend})`, () => {
    let dezi: TestDezi;
    withDezi(backend, {}, (f) => {
      ({ dezi } = f);
    });

    const mijnDezi = (bsn: string) => mijnDeziLogin(dezi.url, bsn);

    test('put the verklaring in a wallet, see it there, revoke it', async () => {
      const { browser, page } = await mijnDezi(AMRANI.bsn);
      assert.match(page.body, /href="\/mijn-dezi\/wallet"/);
      const wallet = await browser.goto(`${dezi.url}/mijn-dezi/wallet`);
      assert.equal(wallet.status, 200);
      assert.match(text(wallet.body), /U heeft nog geen verklaring in een wallet gezet/);
      const forms = [...wallet.body.matchAll(/action="\/mijn-dezi\/wallet\/aanbod"/g)];
      assert.equal(forms.length, 2, 'one per active employment');

      const offerPage = await browser.submit(wallet, '/mijn-dezi/wallet/aanbod');
      assert.equal(offerPage.status, 200, offerPage.body.slice(0, 300));
      assert.equal(offerPage.headers['cache-control'], 'no-store');
      assert.match(
        offerPage.body,
        /<svg role="img" aria-label="QR-code om uw verklaring voor [^"]+ in uw wallet te zetten"/,
      );
      const link = decodeEntities(/href="(openid-credential-offer:\/\/[^"]+)"/.exec(offerPage.body)![1]!);
      const txCode = /<strong id="tx-code">(\d{6})<\/strong>/.exec(offerPage.body)![1]!;
      assert.match(text(offerPage.body), /Open de wallet-app/);

      // The wallet takes the offer from the link and the code from the screen.
      const w = await testWallet(await testWalletProvider());
      const credential = await receiveCredential(w, link, txCode);
      const status = (
        decodeJwt(credential.split('~')[0]!).status as { status_list: { idx: number; uri: string } }
      ).status_list;
      const entry = { listId: status.uri.split('/').at(-1)!, idx: status.idx };
      assert.equal(await dezi.wallet!.credentials.lists.statusOf(entry), VALID);

      const listed = await browser.goto(`${dezi.url}/mijn-dezi/wallet`);
      assert.match(text(listed.body), /Verklaringen in een wallet \(1\)/);
      assert.match(text(listed.body), /actief/);
      const revoked = await browser.submit(listed, '/mijn-dezi/wallet/intrekken');
      assert.match(revoked.url, /melding=ingetrokken/);
      assert.match(text(revoked.body), /De verklaring in uw wallet is ingetrokken/);
      assert.match(text(revoked.body), /ingetrokken: door uzelf ingetrokken/);
      assert.doesNotMatch(revoked.body, /action="\/mijn-dezi\/wallet\/intrekken"/);
      assert.equal(await dezi.wallet!.credentials.lists.statusOf(entry), REVOKED);

      const audit = await dezi.db.query<{ action: string }>(
        `SELECT action FROM audit_events WHERE actor = $1 AND action LIKE 'wallet.%' ORDER BY id`,
        [
          (
            await dezi.db.query<{ actor: string }>(
              `SELECT actor FROM audit_events WHERE action = 'wallet.offer' ORDER BY id DESC LIMIT 1`,
            )
          )[0]!.actor,
        ],
      );
      assert.deepEqual(
        audit.map((a) => a.action),
        ['wallet.offer', 'wallet.token', 'wallet.credential.issue', 'wallet.credential.revoke'],
      );
    });

    test('on a phone the wallet app on this device comes first, the QR code for another device second', async () => {
      const { browser } = await mijnDezi(JANSEN.bsn);
      const wallet = await browser.goto(`${dezi.url}/mijn-dezi/wallet`);
      const form = findForm(wallet.body, '/mijn-dezi/wallet/aanbod');
      const iphone =
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
      const onPhone = await browser.request(`${dezi.url}/mijn-dezi/wallet/aanbod`, {
        form: form.fields,
        headers: { 'user-agent': iphone },
      });
      assert.equal(onPhone.status, 200);
      assert.ok(onPhone.body.indexOf('openid-credential-offer://') < onPhone.body.indexOf('<svg role="img"'));
      assert.match(text(onPhone.body), /Staat de wallet-app op een ander apparaat\? Scan dan deze QR-code/);
      const onDesktop = await browser.request(`${dezi.url}/mijn-dezi/wallet/aanbod`, { form: form.fields });
      assert.ok(
        onDesktop.body.indexOf('<svg role="img"') < onDesktop.body.indexOf('openid-credential-offer://'),
      );
    });

    test('refused: another person’s employment, a login below high, a post without the form’s token', async () => {
      const { browser } = await mijnDezi(JANSEN.bsn);
      const wallet = await browser.goto(`${dezi.url}/mijn-dezi/wallet`);
      const form = findForm(wallet.body, '/mijn-dezi/wallet/aanbod');
      const amrani = (await dezi.register.findPersonByBsn(Bsn.parse(AMRANI.bsn)))!;
      const [theirs] = await dezi.register.activeEmployments(amrani.id);
      const other = await browser.request(`${dezi.url}/mijn-dezi/wallet/aanbod`, {
        form: { ...form.fields, employment: theirs!.id },
      });
      assert.equal(other.status, 409);
      assert.match(text(other.body), /Deze werkgever is niet actief/);
      assert.doesNotMatch(other.body, /openid-credential-offer/);

      const forged = await browser.request(`${dezi.url}/mijn-dezi/wallet/aanbod`, {
        form: { ...form.fields, csrf: 'forged' },
      });
      assert.equal(forged.status, 403);

      const offersNow = async () =>
        (
          await dezi.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM single_use WHERE namespace = 'wallet-offer'`,
          )
        )[0]!.n;
      const before = await offersNow();
      // The same session, as if its login had been at substantial.
      await dezi.db.query(`UPDATE portal_sessions SET loa_authn = $1`, [LOA.substantial]);
      const low = await browser.request(`${dezi.url}/mijn-dezi/wallet/aanbod`, { form: form.fields });
      assert.equal(low.status, 403);
      assert.match(text(low.body), /Log in met niveau hoog/);
      assert.equal(await offersNow(), before, 'no offer was made');
    });
  });
