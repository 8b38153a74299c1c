// The UZI-pas in a real browser (Debian's Chromium): the TEST card, imported as PKCS#12, is
// presented to the certificate listener; the pages on the way, the refusal page and the proeftuin's
// card page pass axe's WCAG 2.1 AA checks and fit a phone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { loadTestUziPki, TEST_CARD_PASSWORD, type TestUziPki } from '../src/proeftuin/uzi-pki.ts';
import { expectAccessible, fitsTheScreen } from './helpers/axe.ts';
import { freePort, startDezi, type TestDezi } from './helpers/dezi.ts';
import { registerRp, type TestRp } from './helpers/rp.ts';
import { authorizationRequest } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;

describe('UZI-pas in a real browser', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let dezi: TestDezi;
  let listenerOrigin: string;
  let rp: TestRp;
  let pki: TestUziPki;
  let browser: Browser;

  before(async () => {
    const port = await freePort();
    listenerOrigin = `https://localhost:${port}`;
    dezi = await startDezi({
      config: {
        uziPas: {
          listener: { host: '127.0.0.1', port, tls: null },
          proxy: null,
          certificateUrl: `${listenerOrigin}/uzi-pas/certificaat`,
          caFiles: [],
          crlSources: [],
          crlRefreshSeconds: 3600,
          crlGraceSeconds: 0,
          testPkiDir: null,
        },
      },
    });
    pki = await loadTestUziPki(null, ['localhost']);
    rp = await registerRp(dezi.url);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await dezi?.stop();
  });

  async function contextWithCard(cardId: string | null, phone = false): Promise<BrowserContext> {
    const card = cardId ? pki.cards.find((c) => c.id === cardId)! : null;
    return browser.newContext({
      // The listener's certificate comes from the TEST root, which this browser does not trust.
      ignoreHTTPSErrors: true,
      clientCertificates: card
        ? [{ origin: listenerOrigin, pfx: card.p12, passphrase: TEST_CARD_PASSWORD }]
        : [],
      ...(phone ? { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } : {}),
    });
  }

  test('a TEST UZI-pas (PKCS#12) logs in; the login page is accessible', async () => {
    const context = await contextWithCard(`uzi-${JANSEN.deziNummer}`);
    const page = await context.newPage();
    const request = await authorizationRequest(rp);
    // The zorgapplicatie's redirect URI is not served: stop at the redirect to it.
    let redirectedTo = '';
    await page.route(`${rp.redirectUri}**`, async (route) => {
      redirectedTo = route.request().url();
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'zorgapplicatie' });
    });
    await page.goto(request.url);
    assert.equal(await page.locator('h1').textContent(), 'Hoe wilt u inloggen?');
    await expectAccessible(page, 'the login page with the UZI-pas');
    await page.getByRole('button', { name: /UZI-pas/ }).click();
    await page.waitForURL(`${rp.redirectUri}**`);
    assert.match(redirectedTo, /[?&]code=/);
    await context.close();
  });

  test('the refusal page (no card) and the proeftuin card page are accessible and fit a phone', async () => {
    const context = await contextWithCard(null, true);
    const page = await context.newPage();
    await page.goto((await authorizationRequest(rp)).url);
    await page.getByRole('button', { name: /UZI-pas/ }).click();
    await page.waitForURL(`${listenerOrigin}/**`);
    assert.equal(await page.locator('h1').textContent(), 'Geen UZI-pas gevonden');
    await expectAccessible(page, 'the UZI-pas refusal page');
    await fitsTheScreen(page, 'the refusal page');
    await page.getByRole('link', { name: 'Terug naar inloggen' }).click();
    assert.equal(await page.locator('h1').textContent(), 'Inloggen is niet gelukt');

    await page.goto(`${dezi.url}/proeftuin/uzi-pas`);
    await expectAccessible(page, 'the proeftuin UZI-pas page');
    await fitsTheScreen(page, 'the UZI-pas proeftuin page');
    await page.goto(`${dezi.url}/proeftuin/uzi-pas?lang=en`);
    assert.equal(await page.locator('h1').textContent(), 'UZI card in the proeftuin');
    await expectAccessible(page, 'the proeftuin UZI-pas page in English');
    await context.close();
  });
});
