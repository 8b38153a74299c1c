// In a real browser (Debian's Chromium): the pages of the fees, the abonnee portal's lists and Mijn
// Dezi's history and wallet, at desktop size and on a 390×844 phone. Every page passes axe (WCAG 2.1 AA), fits
// the phone without sideways scrolling, and leaves a screenshot in test-results/screenshots/ for CI.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after as afterAll, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { addDays, dutchDate } from '../src/register/fee-periods.ts';
import { expectAccessible, fitsTheScreen } from './helpers/axe.ts';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { startDezi, type TestDezi } from './helpers/dezi.ts';
import { after, backdate, inside, monthsAgo } from './helpers/fees.ts';
import { login } from './helpers/login.ts';
import { registerRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

const VIEWPORTS = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
] as const;

describe('fees, the abonnee portal and Mijn Dezi in a real browser', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let dezi: TestDezi;
  let browser: Browser;
  let invoiceNumber: string;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The proeftuin's example tariff; De Linde registered three months back, invoiced, overdue, reminded.
    dezi = await startDezi();
    const P = monthsAgo(3);
    await backdate(dezi.db, '90000111', inside(P));
    const run = await dezi.fees.run(P.label, { kind: 'operator', name: 'test' }, { now: after(P) });
    invoiceNumber = run.made.find((m) => m.abonneeNummer === '90000111')!.number;
    await dezi.fees.remind({ kind: 'operator', name: 'test' });
    // Jansen has logged in to a zorgapplicatie: a login and a verklaring to show.
    await login(await registerRp(dezi.url), JANSEN.bsn);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await dezi?.stop();
  });

  /** axe, no sideways scrolling on the phone, and the screenshot. */
  async function check(page: Page, viewport: string, name: string) {
    await expectAccessible(page, `${name} (${viewport})`);
    await fitsTheScreen(page, `${name} (${viewport})`);
    await page.screenshot({ path: join(SCREENSHOTS, `h4-${name}-${viewport}.png`), fullPage: true });
  }

  for (const { name: viewport, options } of VIEWPORTS)
    test(`every new page is accessible and fits the screen (${viewport})`, async () => {
      const context = await browser.newContext(options);
      try {
        const page = await context.newPage();
        await page.goto(`${dezi.url}/abonnee/inloggen?lang=nl`);
        await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
        await page.getByLabel('Testpersoon').selectOption(JANSEN.bsn);
        await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
        await page.waitForURL(/\/abonnee\/90000111$/);
        await check(page, viewport, 'abonnee-staff');

        await page.getByLabel('Zoek op naam of Dezi-nummer').fill('amrani');
        await page.getByLabel('Sorteer op').selectOption('dezi-nummer');
        await page.getByRole('button', { name: 'Zoeken en sorteren' }).click();
        await page.waitForURL(/zoek=amrani/);
        assert.match((await page.getByRole('status').first().textContent())!, /Gevonden voor “amrani”: 1/);
        await check(page, viewport, 'abonnee-staff-search');

        await page.getByRole('button', { name: /Koppeling met F\. el Amrani beëindigen/ }).click();
        assert.equal(await page.locator('h1').textContent(), 'Koppeling beëindigen?');
        await check(page, viewport, 'abonnee-end-confirm');
        await page.getByLabel('Einddatum').fill(addDays(dutchDate(Date.now()), -3));
        // The browser's own check (min) would stop it; the server's is what this is about.
        await page.locator('form[action$="/beeindigen"]').evaluate((f) => f.setAttribute('novalidate', ''));
        await page.getByRole('button', { name: 'Ja, beëindigen' }).click();
        assert.match(await page.title(), /^Fout: /);
        await check(page, viewport, 'abonnee-end-error');
        await page.getByRole('link', { name: 'Nee, terug' }).click();

        await page.getByRole('link', { name: 'Facturen' }).click();
        await page.waitForURL(/\/facturen$/);
        await check(page, viewport, 'invoices');
        await page.getByRole('link', { name: invoiceNumber }).click();
        assert.equal(await page.locator('h1').textContent(), `Factuur ${invoiceNumber}`);
        assert.match((await page.locator('main').textContent())!, /Herinnering 1/);
        assert.match(
          (await page.locator('main').textContent())!,
          /De vervaldatum van deze factuur is verstreken/,
        );
        await check(page, viewport, 'invoice');
        await page.goto(`${page.url()}?lang=en`);
        assert.equal(await page.locator('h1').textContent(), `Invoice ${invoiceNumber}`);
        await check(page, viewport, 'invoice-en');

        await page.goto(`${dezi.url}/abonnee/90000111/logboek?lang=nl`);
        await check(page, viewport, 'abonnee-log');

        await page.goto(`${dezi.url}/mijn-dezi`);
        await check(page, viewport, 'mijn-dezi');
        await page.getByRole('link', { name: 'Mijn inlogs' }).click();
        assert.match((await page.locator('main').textContent())!, /Testzorgapplicatie/);
        await check(page, viewport, 'my-logins');
        await page.goto(`${dezi.url}/mijn-dezi/verklaringen`);
        assert.match((await page.locator('main').textContent())!, /actief/);
        await check(page, viewport, 'my-verklaringen');
        await page.goto(`${dezi.url}/mijn-dezi/verklaringen?lang=en`);
        await check(page, viewport, 'my-verklaringen-en');

        await page.goto(`${dezi.url}/mijn-dezi/wallet?lang=nl`);
        await check(page, viewport, 'my-wallet');
        await page
          .getByRole('button', { name: /Zet in mijn wallet/ })
          .first()
          .click();
        assert.equal(await page.locator('h1').textContent(), 'Zet uw verklaring in uw wallet');
        assert.match((await page.locator('#tx-code').textContent())!, /^\d{6}$/);
        await check(page, viewport, 'wallet-offer');
        // The proeftuin's TEST wallet receives it from the link and code on that page.
        const offerLink = await page.getByRole('link', { name: 'Open de wallet-app' }).getAttribute('href');
        const txCode = (await page.locator('#tx-code').textContent())!;
        await page.goto(`${dezi.url}/proeftuin/wallet`);
        await check(page, viewport, 'test-wallet');
        await page.getByRole('button', { name: 'Ontvangen' }).click();
        assert.match(await page.title(), /^Fout: /);
        await check(page, viewport, 'test-wallet-error');
        await page.getByLabel('Link van het aanbod').fill(offerLink!);
        await page.getByLabel('Code', { exact: true }).fill(txCode);
        await page.getByRole('button', { name: 'Ontvangen' }).click();
        await page.waitForURL(/melding=ontvangen/);
        assert.match((await page.locator('main').textContent())!, /Status\s*geldig/);
        await check(page, viewport, 'test-wallet-held');
        await page.goto(`${dezi.url}/mijn-dezi/wallet?lang=en`);
        await check(page, viewport, 'my-wallet-en');

        await page.goto(`${dezi.url}/mijn-dezi?lang=nl`);
        await page.getByRole('link', { name: 'Een inlogmiddel koppelen' }).click();
        assert.equal(await page.locator('h1').textContent(), 'Welk inlogmiddel wilt u koppelen?');
        await check(page, viewport, 'link-which-means');
        await page.goto(`${dezi.url}/mijn-dezi`);
        // Jansen's pseudonym at the proeftuin's zorgidentiteit supplier is linked by the seed.
        await page.getByRole('button', { name: /Ontkoppel Zorgidentiteit \(proeftuin\)/ }).click();
        assert.equal(await page.locator('h1').textContent(), 'Zorgidentiteit (proeftuin) ontkoppelen?');
        await check(page, viewport, 'unlink-confirm');
        await page.getByRole('link', { name: 'Nee, terug naar Mijn Dezi' }).click();

        await page.goto(`${dezi.url}/abonnee/90000111`);
        await page.getByRole('button', { name: 'Uitloggen' }).click();
        await page.waitForURL(/melding=uitgelogd/);
        await check(page, viewport, 'abonnee-logged-out');
      } finally {
        await context.close();
      }
    });
});
