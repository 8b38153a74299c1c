// Mandates and self-declared roles in a real browser (Debian's Chromium): a huisarts gives a mandate
// in Mijn Dezi (first with an end date too far away: the error summary), the colleague accepts it and
// logs in to a zorgapplicatie "Namens J. Jansen (Huisarts, 01.015)" on the choice page; the role
// declaration page and the abonnee portal's pages. Every page passes axe's WCAG 2.1 AA checks at
// desktop size and on a phone (390×844) without sideways scrolling; a screenshot of each is kept in
// test-results/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expectAccessible, fitsTheScreen } from './helpers/axe.ts';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { startDezi, type TestDezi } from './helpers/dezi.ts';
import { enrolColleague, freshBsns, inYears, seed } from './helpers/mandates.ts';
import { authorizationRequest, registerRp, type TestRp } from './helpers/rp.ts';

const JANSEN = seed('Jansen');
const SHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

describe('mandates in a real browser', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let dezi: TestDezi;
  let rp: TestRp;
  let browser: Browser;
  const bsns = freshBsns(999995000);

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dezi = await startDezi();
    rp = await registerRp(dezi.url);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await dezi?.stop();
  });

  /** axe, no sideways scrolling, and a screenshot kept for the run. */
  async function check(page: Page, size: string, name: string) {
    const what = `${name} (${size})`;
    await expectAccessible(page, what);
    await fitsTheScreen(page, what);
    await page.screenshot({ path: join(SHOTS, `mandates-${size}-${name}.png`), fullPage: true });
  }

  /** From "Hoe wilt u inloggen?": DigiD's stand-in, a seed person by BSN or any BSN typed in. */
  async function digid(page: Page, bsn: string, typed: boolean) {
    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    await page.waitForURL(/\/proeftuin\/digid\/sso/);
    if (typed) await page.getByLabel('Of typ een BSN').fill(bsn);
    else await page.getByLabel('Testpersoon').selectOption(bsn);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
  }

  for (const [size, options] of Object.entries(SIZES))
    test(`${size}: give a mandate, accept it, log in "namens"; declare a role; the abonnee's pages`, async () => {
      const colleague = await enrolColleague(
        dezi.register,
        bsns.next().value!,
        `Browser${size}`,
        '90000111',
        {
          rolCode: '99.000',
          rolCodeBron: 'abonnee',
        },
      );
      const naam = `T. Browser${size}`;

      // The huisarts gives the mandate.
      const huisarts = await browser.newContext({ ...options, locale: 'nl-NL' });
      const page = await huisarts.newPage();
      await page.goto(`${dezi.url}/mijn-dezi/inloggen`);
      await digid(page, JANSEN.bsn, false);
      await page.waitForURL(`${dezi.url}/mijn-dezi`);
      await page.getByRole('link', { name: 'Mandaten', exact: true }).click();
      await page.waitForURL(/\/mijn-dezi\/mandaten$/);
      assert.equal(await page.locator('h1').textContent(), 'Mandaten');
      await check(page, size, 'mijn-dezi-mandaten');
      await page.getByRole('link', { name: 'Een mandaat geven' }).click();
      await page.waitForURL(/\/mijn-dezi\/mandaten\/nieuw$/);
      await check(page, size, 'mandaat-geven');

      await page.getByLabel('Dezi-nummer van uw collega').fill(colleague.person.deziNummer);
      await page.getByLabel('Einddatum').fill(inYears(4));
      await page.getByRole('button', { name: 'Mandaat geven' }).click();
      await page.waitForLoadState();
      assert.match(await page.title(), /^Fout: Een mandaat geven/);
      assert.match(
        (await page.locator('.dezi-error-summary').textContent())!,
        /Een mandaat duurt ten hoogste drie jaar/,
      );
      assert.equal(
        await page.getByLabel('Dezi-nummer van uw collega').inputValue(),
        colleague.person.deziNummer,
      );
      await check(page, size, 'mandaat-geven-fout');
      await page.getByLabel('Einddatum').fill(inYears(1));
      await page.getByLabel('Testzorgapplicatie').first().check();
      await page.getByRole('button', { name: 'Mandaat geven' }).click();
      await page.waitForURL(/melding=gegeven/);
      assert.match((await page.locator('[role=status]').textContent())!, /Het mandaat is gegeven/);
      await check(page, size, 'mandaat-gegeven');

      // The colleague accepts it.
      const assistent = await browser.newContext({ ...options, locale: 'nl-NL' });
      const own = await assistent.newPage();
      await own.goto(`${dezi.url}/mijn-dezi/inloggen`);
      await digid(own, colleague.bsn, true);
      await own.waitForURL(`${dezi.url}/mijn-dezi`);
      await own.goto(`${dezi.url}/mijn-dezi/mandaten`);
      assert.match((await own.locator('main').textContent())!, /Namens J\. Jansen \(Huisarts, 01\.015\)/);
      await check(own, size, 'mandaat-ontvangen');
      await own.getByRole('button', { name: 'Mandaat van J. Jansen accepteren' }).click();
      await own.waitForURL(/melding=geaccepteerd/);
      await check(own, size, 'mandaat-geaccepteerd');

      // The role declaration page of the same person.
      await own.goto(`${dezi.url}/mijn-dezi/rol`);
      await check(own, size, 'rol-verklaren');
      await own.getByLabel('In welke rol werkt u?').selectOption('86.000');
      await own.getByRole('button', { name: 'Rol verklaren' }).click();
      await own.waitForURL(/melding=verklaard/);
      await check(own, size, 'rol-verklaard');

      // At the zorgapplicatie: "Waar werk je? Wat ben je?" with the mandate beside the employment.
      const request = await authorizationRequest(rp);
      let redirectedTo = '';
      await own.route(`${rp.redirectUri}**`, async (route) => {
        redirectedTo = route.request().url();
        await route.fulfill({ status: 200, contentType: 'text/plain', body: 'zorgapplicatie' });
      });
      await own.goto(request.url);
      await digid(own, colleague.bsn, true);
      await own.waitForURL(/\/kies$/);
      assert.equal(await own.locator('h1').textContent(), 'Waar werk je? Wat ben je?');
      await check(own, size, 'keuze-met-mandaat');
      await own.getByLabel(/Namens J\. Jansen \(Huisarts, 01\.015\)/).check();
      await own.getByRole('button', { name: 'Ga verder' }).click();
      await own.waitForURL(`${rp.redirectUri}**`);
      assert.match(redirectedTo, /[?&]code=/);

      // The abonnee portal: the declaration to confirm, the mandates within De Linde, ending one.
      await page.goto(`${dezi.url}/abonnee/90000111/rolverklaringen`);
      assert.match((await page.locator('main').textContent())!, new RegExp(naam));
      await check(page, size, 'abonnee-rolverklaringen');
      await page.getByRole('button', { name: `VIG-er voor ${naam} bevestigen` }).click();
      await page.waitForURL(/melding=bevestigd/);
      await check(page, size, 'abonnee-rol-bevestigd');
      await page.goto(`${dezi.url}/abonnee/90000111/mandaten`);
      await check(page, size, 'abonnee-mandaten');
      await page.getByRole('button', { name: `Mandaat van J. Jansen aan ${naam} beëindigen` }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Mandaat beëindigen');
      await check(page, size, 'mandaat-beeindigen-bevestigen');
      await page.getByRole('button', { name: 'Ja, mandaat beëindigen' }).click();
      await page.waitForURL(/melding=beeindigd/);

      // In English too.
      await page.goto(`${dezi.url}/mijn-dezi/mandaten?lang=en`);
      assert.equal(await page.locator('h1').textContent(), 'Mandates');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await check(page, size, 'mijn-dezi-mandaten-en');
      await huisarts.close();
      await assistent.close();
    });
});
