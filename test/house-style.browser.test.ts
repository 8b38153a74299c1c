// The house style in a real browser (Debian's Chromium, driven by playwright-core): every page a
// person can reach, at desktop size, on a 390×844 phone and on a 360 px phone, in Dutch and in
// English: axe's WCAG 2.1 AA checks without a violation, no sideways scrolling, the NL Design System's
// stylesheets applied (a token and a component's style read back from the page), and a screenshot of
// each in test-results/screenshots/<name>-<viewport>-<lang>.png for CI to keep. Then a form that comes
// back with errors, as a person meets it: the summary focused, its links leading to the fields,
// "Fout:" in the title, the input kept; and a login and the form without JavaScript.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { passesElfproef } from '../src/means/bsn.ts';
import { LOA } from '../src/means/loa.ts';
import { MITZ_TEST_CITIZENS } from '../src/proeftuin/mitz-seed.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { expectAccessible } from './helpers/axe.ts';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { startDezi, type TestDezi } from './helpers/dezi.ts';
import { authorizationRequest, registerRp, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const SHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  '390x844': { width: 390, height: 844 },
  '360': { width: 360, height: 740 },
} as const;
type Viewport = keyof typeof VIEWPORTS;
const LANGS = ['nl', 'en'] as const;
/** Six views of a page, each with axe and a full-page screenshot, take a while on a shared machine. */
const PAGE_TIMEOUT = 5 * 60_000;
const FLOW_TIMEOUT = 20 * 60_000;

/** #154273, the Rijkshuisstijl's lintblauw, as a computed colour. */
const LINTBLAUW = 'rgb(21, 66, 115)';

function withLang(url: string, lang: string): string {
  const u = new URL(url);
  u.searchParams.set('lang', lang);
  return u.href;
}

function* freshBsns(): Generator<string> {
  const taken = new Set([...SEED_PERSONS.map((p) => p.bsn), UNKNOWN_TEST_BSN]);
  for (let n = 999990700; ; n++) if (passesElfproef(String(n)) && !taken.has(String(n))) yield String(n);
}

describe('the house style in a real browser', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let dezi: TestDezi;
  let rp: TestRp;
  let browser: Browser;
  const bsns = freshBsns();
  const checked: string[] = [];

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

  /** One page as it is shown now: axe, the width, the NL DS styles, a screenshot. */
  async function inspect(page: Page, name: string, viewport: Viewport, lang: string) {
    const what = `${name} (${viewport}, ${lang})`;
    assert.equal(await page.locator('html').getAttribute('lang'), lang, what);
    await expectAccessible(page, what);
    const [scroll, inner] = await page.evaluate<number[]>(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    );
    assert.ok(scroll! <= inner!, `${what} is ${scroll}px wide on a ${inner}px screen`);
    // The design tokens (the theme's custom properties) and the components (a heading's colour).
    const styles = await page.evaluate<{ token: string; h1: string; font: string }>(`(() => {
      const h1 = document.querySelector('h1');
      return {
        token: getComputedStyle(document.body).getPropertyValue('--rhc-color-lintblauw-500').trim(),
        h1: h1 ? getComputedStyle(h1).color : '',
        font: getComputedStyle(document.body).fontFamily,
      };
    })()`);
    assert.equal(styles.token.toLowerCase(), '#154273', `${what}: the design tokens are applied`);
    assert.equal(styles.h1, LINTBLAUW, `${what}: the NL DS heading style is applied`);
    assert.match(styles.font, /Fira Sans|Arial/, `${what}: the house style's font`);
    await page.screenshot({ path: join(SHOTS, `${name}-${viewport}-${lang}.png`), fullPage: true });
    checked.push(what);
  }

  /** A page that a GET shows again: at each size and in each language. */
  async function everyWay(page: Page, name: string, url = page.url()) {
    for (const lang of LANGS) {
      for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
        await page.setViewportSize(VIEWPORTS[viewport]);
        await page.goto(withLang(url, lang));
        await inspect(page, name, viewport, lang);
      }
    }
    // Back to Dutch at desktop size for the steps that follow.
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.goto(withLang(url, 'nl'));
  }

  async function context(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    return { context, page: await context.newPage() };
  }

  /** A login at Dezi for the test zorgapplicatie: "Hoe wilt u inloggen?". */
  async function loginPage(page: Page, params: Record<string, string> = {}) {
    await page.goto((await authorizationRequest(rp, params)).url);
    await page.waitForURL(/\/interaction\/[^/]+$/);
  }

  async function digid(page: Page, bsn: string) {
    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    await page.waitForURL(/\/proeftuin\/digid\/sso/);
    await page.getByLabel('Of typ een BSN').fill(bsn);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
  }

  for (const [name, path] of [
    ['home', '/'],
    ['privacy', '/privacy'],
    ['toegankelijkheid', '/toegankelijkheid'],
    ['404', '/bestaat-niet'],
    ['proeftuin', '/proeftuin'],
    ['proeftuin-uzi-pas', '/proeftuin/uzi-pas'],
  ] as const)
    test(`Dezi's own page: ${name}`, { timeout: PAGE_TIMEOUT }, async () => {
      const { context: c, page } = await context();
      await page.goto(`${dezi.url}${path}`);
      await everyWay(page, name);
      await c.close();
    });

  test(
    'the login: the choice of means, DigiD, the choice of employment, a refusal',
    { timeout: FLOW_TIMEOUT },
    async () => {
      const { context: c, page } = await context();
      await loginPage(page);
      await everyWay(page, 'login-choice');
      await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
      await page.waitForURL(/\/proeftuin\/digid\/sso/);
      await everyWay(page, 'means-digid');
      await page.getByLabel('Testpersoon').selectOption(AMRANI.bsn);
      await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
      await page.waitForURL(/\/kies$/);
      await everyWay(page, 'employment-choice');

      // The employment choice sent without a choice: the error summary (a POST: shown as it comes).
      await page.getByRole('button', { name: 'Ga verder' }).click();
      assert.match(await page.title(), /^Fout: /);
      await inspect(page, 'employment-choice-error', 'desktop', 'nl');
      await c.close();

      const refused = await context();
      await loginPage(refused.page);
      await digid(refused.page, UNKNOWN_TEST_BSN);
      await refused.page.waitForURL(/\/uitkomst$/);
      await everyWay(refused.page, 'outcome-unknown-person');
      await refused.context.close();
    },
  );

  test(
    'the pages of the other means: Yivi and its stand-in app, the OpenID stand-in, the test means',
    { timeout: FLOW_TIMEOUT },
    async () => {
      const { context: c, page } = await context();
      await loginPage(page);
      await page.getByRole('button', { name: /^Yivi/ }).click();
      await page.waitForURL(/\/means\/yivi\/[A-Za-z0-9_-]{43}$/);
      await everyWay(page, 'means-yivi');
      const app = await page.getByRole('link', { name: /nagebootste Yivi-app/ }).getAttribute('href');
      await page.goto(new URL(app!, page.url()).href);
      await everyWay(page, 'means-yivi-app');
      await c.close();

      const oidc = await context();
      await loginPage(oidc.page);
      await oidc.page.getByRole('button', { name: /Ziekenhuispas \(proeftuin, NEN 7518\)/ }).click();
      await oidc.page.waitForURL(/\/proeftuin\/oidc-means\/interaction\/[^/]+$/);
      await everyWay(oidc.page, 'means-oidc');
      await oidc.context.close();

      const testMeans = await context();
      await loginPage(testMeans.page, { acr_values: LOA.substantial });
      await testMeans.page.getByRole('button', { name: /Testmiddel \(proeftuin\)/ }).click();
      await testMeans.page.waitForURL(/\/proeftuin\/testmiddel\/login/);
      await everyWay(testMeans.page, 'means-test');
      await testMeans.context.close();
    },
  );

  test('the portals: registration, Mijn Dezi, the abonnee portal', { timeout: FLOW_TIMEOUT }, async () => {
    const { context: c, page } = await context();
    await page.goto(`${dezi.url}/registreren`);
    await everyWay(page, 'registration-start');
    await page.getByRole('link', { name: 'Inloggen en registreren' }).click();
    await digid(page, bsns.next().value!);
    await page.waitForURL(/\/registreren\/gegevens$/);
    await everyWay(page, 'registration-form');
    await c.close();

    const jansen = await context();
    await jansen.page.goto(`${dezi.url}/mijn-dezi`);
    await everyWay(jansen.page, 'mijn-dezi-login');
    await jansen.page.getByRole('link', { name: 'Inloggen' }).click();
    await digid(jansen.page, JANSEN.bsn);
    await jansen.page.waitForURL(/\/mijn-dezi$/);
    await everyWay(jansen.page, 'mijn-dezi');
    await jansen.page.goto(`${dezi.url}/abonnee`);
    await jansen.page.waitForURL(/\/abonnee\/90000111$/);
    await everyWay(jansen.page, 'abonnee-portal');
    await jansen.context.close();
  });

  test(
    'MijnMitz: start, overview, the choice form, withdrawing, the history',
    { timeout: FLOW_TIMEOUT },
    async () => {
      const { context: c, page } = await context();
      await page.goto(`${dezi.url}/mitz`);
      await everyWay(page, 'mitz-start');
      await page.getByRole('link', { name: 'Inloggen met DigiD' }).click();
      await page.waitForURL(/\/proeftuin\/digid\/sso/);
      // A citizen who has chosen already (the proeftuin's seed): the overview has choices to withdraw.
      await page.getByLabel('Of typ een BSN').fill(MITZ_TEST_CITIZENS[0]!.bsn);
      await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
      await page.waitForURL(/\/mitz\/mijn$/);
      await everyWay(page, 'mitz-overview');
      const withdraw = await page
        .getByRole('link', { name: /^Intrekken/ })
        .first()
        .getAttribute('href');
      await page.goto(`${dezi.url}/mitz/mijn/keuze`);
      await everyWay(page, 'mitz-choice-form');
      await page.goto(new URL(withdraw!, dezi.url).href);
      await everyWay(page, 'mitz-withdraw');
      await page.goto(`${dezi.url}/mitz/mijn/geschiedenis`);
      await everyWay(page, 'mitz-history');
      await c.close();
    },
  );

  test(
    'a form with errors, as a person meets it: the abonnee portal keeps the input, focuses the summary, links to the field',
    { timeout: FLOW_TIMEOUT },
    async () => {
      const { context: c, page } = await context();
      await page.goto(`${dezi.url}/abonnee/inloggen`);
      await digid(page, JANSEN.bsn);
      await page.waitForURL(/\/abonnee\/90000111$/);
      for (const lang of LANGS) {
        for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
          await page.setViewportSize(VIEWPORTS[viewport]);
          await page.goto(`${dezi.url}/abonnee/90000111?lang=${lang}`);
          const label = lang === 'nl' ? 'Dezi-nummer (niet verplicht)' : 'Dezi-nummer (optional)';
          await page.getByLabel(label).fill('12345');
          await page.locator('#invite-rol').selectOption('01.015');
          await page
            .getByRole('button', { name: lang === 'nl' ? 'Uitnodiging maken' : 'Create invitation' })
            .click();
          await page.waitForLoadState();
          assert.equal(
            await page.title(),
            `${lang === 'nl' ? 'Fout' : 'Error'}: Huisartsenpraktijk De Linde · Dezi`,
          );
          const summary = page.locator('.dezi-error-summary');
          assert.ok(
            await summary.evaluate((el) => el === el.ownerDocument.activeElement),
            'the summary has focus',
          );
          assert.equal(await page.getByLabel(label).inputValue(), '12345', 'the input is kept');
          assert.equal(await page.locator('#invite-rol').inputValue(), '01.015', 'the role is kept');
          assert.equal(await page.getByLabel(label).getAttribute('aria-invalid'), 'true');
          await inspect(page, 'abonnee-portal-error', viewport, lang);
          // The summary's link leads to the field.
          await summary.getByRole('link').first().click();
          await page.waitForURL(/#deziNummer$/);
          assert.ok(await page.getByLabel(label).isVisible());
        }
      }
      await c.close();
    },
  );

  test(
    'without JavaScript: a login with the choice of employment, and the form with errors',
    { timeout: FLOW_TIMEOUT },
    async () => {
      const c = await browser.newContext({ javaScriptEnabled: false });
      // The test zorgapplicatie's callback is answered here, so the login ends on a page of its own.
      await c.route(`${new URL(rp.redirectUri).origin}/**`, (route) =>
        route.fulfill({ status: 200, contentType: 'text/plain', body: 'zorgapplicatie' }),
      );
      const page = await c.newPage();
      await loginPage(page);
      await digid(page, AMRANI.bsn);
      await page.waitForURL(/\/kies$/);
      await page.getByLabel(/Gezondheidscentrum Zuidwijk/).check();
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().startsWith(rp.redirectUri)),
        page.getByRole('button', { name: 'Ga verder' }).click(),
      ]);
      assert.match(request.url(), /[?&]code=/, 'the zorgapplicatie gets its code');
      await page.waitForURL(`${rp.redirectUri}**`);

      await page.goto(`${dezi.url}/abonnee/inloggen`);
      await digid(page, JANSEN.bsn);
      await page.waitForURL(/\/abonnee\/90000111$/);
      await page.getByLabel('Dezi-nummer (niet verplicht)').fill('abc');
      await page.getByRole('button', { name: 'Uitnodiging maken' }).click();
      await page.waitForLoadState();
      assert.match(await page.title(), /^Fout: /);
      assert.equal(await page.getByLabel('Dezi-nummer (niet verplicht)').inputValue(), 'abc');
      await c.close();
    },
  );

  test('every page was checked at every size and in both languages', () => {
    // 17 pages × 3 sizes × 2 languages, the form errors, and the abonnee portal's error at each.
    assert.ok(checked.length >= 17 * 6, `${checked.length} checks`);
  });
});
