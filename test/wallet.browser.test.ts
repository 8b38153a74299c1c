// The wallet end to end in a real browser (issue 11): a verklaring offered in Mijn Dezi and received in
// the proeftuin's TEST wallet; then a login at the test zorgapplicatie with it, from another device (the
// page follows the wallet by its status poll) and from this device (the wallet's redirect); then the
// employment ends and the same credential is refused. Desktop and phone; every page passes axe.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Bsn } from '../src/means/bsn.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { expectAccessible, fitsTheScreen } from './helpers/axe.ts';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { startDezi, type TestDezi } from './helpers/dezi.ts';
import { authorizationRequest, registerRp, type TestRp } from './helpers/rp.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
const FLOW_TIMEOUT = 240_000;

const VIEWPORTS = [
  {
    name: 'desktop',
    person: SEED_PERSONS.find((p) => p.achternaam === 'Smit')!,
    options: { viewport: { width: 1280, height: 800 } },
  },
  {
    name: 'phone',
    person: SEED_PERSONS.find((p) => p.achternaam === 'Visser')!,
    options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  },
] as const;

describe('the wallet in a real browser', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let dezi: TestDezi;
  let rp: TestRp;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dezi = await startDezi();
    // The zorgapplicatie's callback on a page that loads (Dezi's home page stands in for it): the
    // login ends on a real page, not on a host that does not resolve.
    rp = await registerRp(dezi.url, { redirect_uris: [`${dezi.url}/?zorgapplicatie=terug`] });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await dezi?.stop();
  });

  async function check(page: Page, viewport: string, name: string) {
    await expectAccessible(page, `${name} (${viewport})`);
    await fitsTheScreen(page, `${name} (${viewport})`);
    await page.screenshot({ path: join(SCREENSHOTS, `wallet-${name}-${viewport}.png`), fullPage: true });
  }

  /** "Hoe wilt u inloggen?" at the zorgapplicatie's request, then the wallet's page. */
  async function walletLoginPage(page: Page) {
    const request = await authorizationRequest(rp, { prompt: 'login' });
    await page.goto(request.url);
    await page.getByRole('button', { name: /ID-wallet/ }).click();
    await page.waitForURL(/\/means\/wallet\/[A-Za-z0-9_-]{43}$/);
  }

  for (const { name: viewport, person, options } of VIEWPORTS)
    test(
      `offer, receive, log in from another device and this one, refused once ended (${viewport})`,
      { timeout: FLOW_TIMEOUT },
      async () => {
        const context = await browser.newContext(options);
        try {
          const page = await context.newPage();
          // Mijn Dezi at level hoog, "Zet in mijn wallet", and the TEST wallet receives it.
          await page.goto(`${dezi.url}/mijn-dezi/inloggen?lang=nl`);
          await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
          await page.getByLabel('Testpersoon').selectOption(person.bsn);
          await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
          await page.waitForURL(/\/mijn-dezi$/);
          await page.goto(`${dezi.url}/mijn-dezi/wallet`);
          await page
            .getByRole('button', { name: /Zet in mijn wallet/ })
            .first()
            .click();
          const offerLink = await page.getByRole('link', { name: 'Open de wallet-app' }).getAttribute('href');
          const txCode = (await page.locator('#tx-code').textContent())!;
          await page.goto(`${dezi.url}/proeftuin/wallet`);
          await page.getByLabel('Link van het aanbod').fill(offerLink!);
          await page.getByLabel('Code', { exact: true }).fill(txCode);
          await page.getByRole('button', { name: 'Ontvangen' }).click();
          await page.waitForURL(/melding=ontvangen/);

          // Another device: the QR page; the TEST wallet (the "phone", another page) shows the credential;
          // the login page notices by itself and goes on to the zorgapplicatie.
          await walletLoginPage(page);
          assert.equal(await page.locator('h1').textContent(), 'Inloggen met uw ID-wallet');
          await check(page, viewport, 'login-page');
          const phone = await context.newPage();
          const otherDevice = await page
            .getByRole('link', { name: /als ander apparaat/ })
            .getAttribute('href');
          await phone.goto(new URL(otherDevice!, dezi.url).href);
          assert.match((await phone.locator('main').textContent())!, /Verzoek om te laten zien/);
          await check(phone, viewport, 'test-wallet-request');
          const codeRequest = page.waitForRequest((r) => r.url().startsWith(rp.redirectUri), {
            timeout: 30_000,
          });
          await phone.getByRole('button', { name: 'Laat zien', exact: true }).click();
          // Back to the login page (a hidden page's timers may be held back): its poll goes on by itself.
          await page.bringToFront();
          const code = await codeRequest;
          assert.match(code.url(), /[?&]code=/, 'the zorgapplicatie gets its code');
          await page.waitForURL(`${rp.redirectUri}**`);
          await phone.waitForURL(/melding=getoond/);
          await check(phone, viewport, 'test-wallet-shown');
          await phone.close();

          // This device: the TEST wallet in the same tab, and the wallet's redirect back to the login.
          await walletLoginPage(page);
          await page.getByRole('link', { name: /op dit apparaat/ }).click();
          const [sameDevice] = await Promise.all([
            page.waitForRequest((r) => r.url().startsWith(rp.redirectUri)),
            page.getByRole('button', { name: 'Laat zien', exact: true }).click(),
          ]);
          assert.match(sameDevice.url(), /[?&]code=/);
          await page.waitForURL(`${rp.redirectUri}**`);

          // The employment ends: the same credential is refused, with a page that says why.
          const p = (await dezi.register.findPersonByBsn(Bsn.parse(person.bsn)))!;
          const [employment] = await dezi.register.activeEmployments(p.id);
          await dezi.register.endEmployment(employment!.id, {
            kind: 'operator',
            name: 'wallet-browser-test',
          });
          await walletLoginPage(page);
          const loginUrl = page.url();
          await page.getByRole('link', { name: /op dit apparaat/ }).click();
          await page.getByRole('button', { name: 'Laat zien', exact: true }).click();
          await page.waitForURL(/melding=afgewezen/);
          await check(page, viewport, 'test-wallet-rejected');
          await page.goto(`${loginUrl}/verder`);
          await page.waitForURL(/\/uitkomst$/);
          assert.equal(await page.locator('h1').textContent(), 'Deze verklaring wordt niet geaccepteerd');
          await check(page, viewport, 'refused');
        } finally {
          await context.close();
        }
      },
    );
});
