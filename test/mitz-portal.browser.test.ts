// MijnMitz in a real browser (Debian's Chromium, driven by playwright-core): a citizen logs in with
// DigiD, gives a choice, reads the overview and the history and withdraws the choice; every page
// passes axe's WCAG 2.1 AA checks, at desktop size and on a phone (390×844), in Dutch and in English;
// and the whole of it works with JavaScript switched off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { passesElfproef } from '../src/means/bsn.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { expectAccessible, fitsTheScreen } from './helpers/axe.ts';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { startDezi, type TestDezi } from './helpers/dezi.ts';

function* freshBsns(): Generator<string> {
  const taken = new Set([...SEED_PERSONS.map((p) => p.bsn), UNKNOWN_TEST_BSN]);
  for (let n = 999990500; ; n++) if (passesElfproef(String(n)) && !taken.has(String(n))) yield String(n);
}

/** What the citizen reads and clicks, per language (the DigiD stand-in's own words included). */
const WORDS = {
  nl: {
    login: 'Inloggen met DigiD',
    bsn: 'Of typ een BSN',
    digidLogin: 'Inloggen',
    digidCancel: 'Annuleren',
    cancelled: 'Inloggen afgebroken',
    again: 'Opnieuw inloggen met DigiD',
    overview: 'Mijn keuzes',
    give: 'Een keuze geven of wijzigen',
    save: 'Keuze opslaan',
    problem: 'Er is een probleem met uw invoer',
    keuzeError: 'Kies ja of nee.',
    treatment: /^Behandelgegevens/,
    yes: 'Ja, deze zorgaanbieders mogen deze gegevens inzien',
    no: 'Nee, deze zorgaanbieders mogen deze gegevens niet inzien',
    providers: 'Voor welke zorgaanbieders?',
    pharmacies: 'Apotheken',
    saved: 'Uw keuze is opgeslagen.',
    permit: 'Ja, mag inzien',
    deny: 'Nee, mag niet inzien',
    none: 'Nog geen keuze: mag niet inzien',
    withdraw: /^Intrekken/,
    withdrawTitle: 'Keuze intrekken',
    withdrawYes: 'Ja, keuze intrekken',
    withdrawn: 'Uw keuze is ingetrokken.',
    history: 'Geschiedenis',
    historyTitle: 'Geschiedenis van uw keuzes',
    byYou: 'Vastgelegd door uzelf.',
    logout: 'Uitloggen',
    loggedOut: 'U bent uitgelogd.',
  },
  en: {
    login: 'Log in with DigiD',
    bsn: 'Or type a BSN',
    digidLogin: 'Log in',
    digidCancel: 'Cancel',
    cancelled: 'Login cancelled',
    again: 'Log in with DigiD again',
    overview: 'My choices',
    give: 'Give or change a choice',
    save: 'Save choice',
    problem: 'There is a problem with what you entered',
    keuzeError: 'Choose yes or no.',
    treatment: /^Treatment data/,
    yes: 'Yes, these care providers may see this data',
    no: 'No, these care providers may not see this data',
    providers: 'For which care providers?',
    pharmacies: 'Pharmacies',
    saved: 'Your choice has been saved.',
    permit: 'Yes, may see',
    deny: 'No, may not see',
    none: 'No choice yet: may not see',
    withdraw: /^Withdraw/,
    withdrawTitle: 'Withdraw a choice',
    withdrawYes: 'Yes, withdraw the choice',
    withdrawn: 'Your choice has been withdrawn.',
    history: 'History',
    historyTitle: 'History of your choices',
    byYou: 'Recorded by yourself.',
    logout: 'Log out',
    loggedOut: 'You are logged out.',
  },
} as const;

const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

describe('MijnMitz in a real browser', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let dezi: TestDezi;
  let browser: Browser;
  const bsns = freshBsns();

  before(async () => {
    dezi = await startDezi();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await dezi?.stop();
  });

  const text = async (page: Page, selector: string) =>
    ((await page.locator(selector).textContent()) ?? '').trim();

  /** axe, and on a phone no sideways scrolling. */
  async function check(page: Page, what: string) {
    await expectAccessible(page, what);
    await fitsTheScreen(page, what);
  }

  for (const [size, options] of Object.entries(SIZES))
    for (const lang of ['nl', 'en'] as const)
      test(`${size}, ${lang}: log in, give a choice, the overview, withdraw, the history, log out; every page accessible`, async () => {
        const w = WORDS[lang];
        const bsn = bsns.next().value!;
        // The browser asks for the language: MijnMitz follows it, and ?lang= keeps it for DigiD's page.
        const context = await browser.newContext({ ...options, locale: lang === 'nl' ? 'nl-NL' : 'en-GB' });
        const page = await context.newPage();
        const what = (p: string) => `${p} (${size}, ${lang})`;

        await page.goto(`${dezi.url}/mitz?lang=${lang}`);
        assert.equal(await page.locator('html').getAttribute('lang'), lang);
        assert.equal(await text(page, 'h1'), 'MijnMitz');
        await check(page, what('the start page'));

        // A cancelled login first: a page that says so, with the way back.
        await page.getByRole('link', { name: w.login }).click();
        await page.waitForURL(/\/proeftuin\/digid\/sso/);
        await page.getByRole('button', { name: w.digidCancel, exact: true }).click();
        await page.waitForURL(/\/mitz\/inloggen\/niet-gelukt\/afgebroken$/);
        assert.equal(await text(page, 'h1'), w.cancelled);
        await check(page, what('the cancelled login'));

        await page.getByRole('link', { name: w.again }).click();
        await page.waitForURL(/\/proeftuin\/digid\/sso/);
        await page.getByLabel(w.bsn).fill(bsn);
        await page.getByRole('button', { name: w.digidLogin, exact: true }).click();
        await page.waitForURL(/\/mitz\/mijn$/);
        assert.equal(await text(page, 'h1'), w.overview);
        await check(page, what('the overview without choices'));

        await page.getByRole('link', { name: w.give }).click();
        await page.waitForURL(/\/mitz\/mijn\/keuze$/);
        await check(page, what('the choice form'));

        // An incomplete form: the summary names what is missing, and what was chosen stays.
        await page.getByLabel(w.treatment).check();
        await page.getByRole('button', { name: w.save }).click();
        assert.equal(await text(page, '.dezi-error-summary h2'), w.problem);
        assert.ok(await page.getByLabel(w.treatment).isChecked(), 'the input is kept');
        await check(page, what('the choice form with errors'));
        await page.locator('.dezi-error-summary').getByRole('link', { name: w.keuzeError }).click();
        assert.match(page.url(), /#keuze-ja$/);

        await page.getByLabel(w.no).check();
        await page.getByLabel(w.providers).selectOption({ label: w.pharmacies });
        await page.getByRole('button', { name: w.save }).click();
        await page.waitForURL(/\/mitz\/mijn\?melding=vastgelegd$/);
        assert.equal(await text(page, '.utrecht-alert[role="status"]'), w.saved);
        assert.equal(await text(page, '#geldt-GGC002-RPZAC005'), w.deny);
        assert.equal(
          await text(page, '#geldt-GGC013-RPZAC005'),
          w.none,
          'a no for treatment data is no answer on less',
        );
        await check(page, what('the overview with a choice'));

        await page.getByRole('link', { name: w.withdraw }).first().click();
        await page.waitForURL(/\/mitz\/mijn\/intrekken\?/);
        assert.equal(await text(page, 'h1'), w.withdrawTitle);
        await check(page, what('the withdraw confirmation'));
        await page.getByRole('button', { name: w.withdrawYes }).click();
        await page.waitForURL(/\/mitz\/mijn\?melding=ingetrokken$/);
        assert.equal(await text(page, '.utrecht-alert[role="status"]'), w.withdrawn);
        assert.equal(await text(page, '#geldt-GGC002-RPZAC005'), w.none);

        await page.getByRole('navigation').getByRole('link', { name: w.history }).click();
        await page.waitForURL(/\/mitz\/mijn\/geschiedenis$/);
        assert.equal(await text(page, 'h1'), w.historyTitle);
        assert.equal(await page.locator('ol.dezi-history > li').count(), 2);
        assert.match(
          await text(page, 'ol.dezi-history > li:last-child'),
          new RegExp(w.byYou.replace('.', '\\.')),
        );
        await check(page, what('the history'));

        await page.getByRole('navigation').getByRole('button', { name: w.logout }).click();
        await page.waitForURL(/\/mitz\?melding=uitgelogd$/);
        assert.equal(await text(page, '.utrecht-alert[role="status"]'), w.loggedOut);
        await check(page, what('the start page after logging out'));
        assert.ok(!(await page.content()).includes(bsn), 'the BSN on no page');
        await context.close();
      });

  test('without JavaScript: log in, give a choice and withdraw it', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'nl-NL' });
    const page = await context.newPage();
    await page.goto(`${dezi.url}/mitz?lang=nl`);
    await page.getByRole('link', { name: 'Inloggen met DigiD' }).click();
    await page.getByLabel('Of typ een BSN').fill(bsns.next().value!);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.waitForURL(/\/mitz\/mijn$/);
    await page.getByRole('link', { name: 'Een keuze geven of wijzigen' }).click();
    await page.getByLabel(/^Uitslagen/).check();
    await page.getByLabel('Ja, deze zorgaanbieders mogen deze gegevens inzien').check();
    await page.getByLabel('Voor welke zorgaanbieders?').selectOption('*');
    // The optional holder, behind <details>, opens without script too.
    await page.getByText('Alleen voor gegevens bij één soort zorgaanbieder').click();
    await page.getByLabel('Waar staan de gegevens?').selectOption({ label: 'Apotheken' });
    await page.getByRole('button', { name: 'Keuze opslaan' }).click();
    await page.waitForURL(/\/mitz\/mijn\?melding=vastgelegd$/);
    assert.equal(await page.locator('#geldt-GGC012-RPZAC001').getAttribute('data-besluit'), 'mixed');
    await page.getByRole('link', { name: /^Intrekken/ }).click();
    await page.getByRole('button', { name: 'Ja, keuze intrekken' }).click();
    await page.waitForURL(/\/mitz\/mijn\?melding=ingetrokken$/);
    assert.equal(await page.locator('#geldt-GGC012-RPZAC001').getAttribute('data-besluit'), 'NotApplicable');
    await context.close();
  });
});
