// In a real browser (Debian's Chromium, driven by playwright-core): a person logs in to the example
// zorgapplicatie through Dezi, every page passes axe's WCAG 2.1 AA checks, and pages fit a phone.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { passesElfproef } from '../src/means/bsn.ts';
import { expectAccessible, fitsTheScreen } from './helpers/axe.ts';
import { freePort, REGISTRATION_TOKEN, startDezi, type TestDezi } from './helpers/dezi.ts';
import { LOA } from '../src/means/loa.ts';
import { setTestMeansMode, TEST_MEANS } from './helpers/means.ts';
import { authorizationRequest, registerRp } from './helpers/rp.ts';

const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const DE_VRIES = SEED_PERSONS.find((p) => p.achternaam === 'Vries')!;

describe('in a real browser', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let dezi: TestDezi;
  let example: ChildProcess;
  let exampleUrl: string;
  let browser: Browser;
  const workdir = mkdtempSync(join(tmpdir(), 'dezi-example-'));

  before(async () => {
    dezi = await startDezi();
    const port = await freePort();
    exampleUrl = `http://localhost:${port}`;
    example = spawn(
      process.execPath,
      [join(import.meta.dirname, '..', 'examples', 'zorgapplicatie', 'main.ts')],
      {
        cwd: workdir,
        env: {
          ...process.env,
          EXAMPLE_PORT: String(port),
          DEZI_ISSUER: dezi.url,
          DEZI_PROEFTUIN_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    example.stdout!.on('data', (d) => (output += d));
    example.stderr!.on('data', (d) => (output += d));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(exampleUrl)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (i > 100 || example.exitCode !== null) throw new Error(`example did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    example?.kill();
    await dezi?.stop();
    rmSync(workdir, { recursive: true, force: true });
  });

  test('a waarnemer logs in to the example zorgapplicatie; every page is accessible', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(exampleUrl);
    await expectAccessible(page, 'the example home page');
    await page.getByRole('button', { name: /Inloggen met Dezi/ }).click();

    await page.waitForURL(/\/interaction\//);
    assert.equal(await page.locator('h1').textContent(), 'Hoe wilt u inloggen?');
    await expectAccessible(page, 'the login page');
    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();

    await page.waitForURL(/\/proeftuin\/digid\/sso/);
    await expectAccessible(page, 'the DigiD stand-in');
    await page.getByLabel('Testpersoon').selectOption(AMRANI.bsn);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();

    await page.waitForURL(/\/kies$/);
    assert.equal(await page.locator('h1').textContent(), 'Waar werk je? Wat ben je?');
    await expectAccessible(page, 'the choice of employment');
    await page.getByLabel(/Gezondheidscentrum Zuidwijk/).check();
    await page.getByRole('button', { name: 'Ga verder' }).click();

    await page.waitForURL(new RegExp(`^${exampleUrl}`));
    const text = await page.locator('main').textContent();
    assert.match(text!, new RegExp(AMRANI.deziNummer));
    assert.match(text!, /Gezondheidscentrum Zuidwijk/);
    assert.match(text!, /90000222/);
    assert.match(text!, /Huisarts/);
    assert.ok(!text!.includes(AMRANI.bsn), 'the zorgapplicatie never sees the BSN');
    await expectAccessible(page, 'the example result page');
    await context.close();
  });

  test('switching to English on the choice of employment after DigiD keeps the login', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const callbacks: string[] = [];
    page.on('request', (r) => {
      if (/\/interaction\/[^/]+\/callback\//.test(r.url())) callbacks.push(r.url());
    });
    await page.goto(exampleUrl);
    await page.getByRole('button', { name: /Inloggen met Dezi/ }).click();
    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    await page.waitForURL(/\/proeftuin\/digid\/sso/);
    await page.getByLabel('Testpersoon').selectOption(AMRANI.bsn);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.waitForURL(/\/kies$/);
    assert.equal(callbacks.length, 1, 'one DigiD callback, with its artifact');

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/kies\?lang=en$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('h1').textContent(), 'Where do you work? What is your role?');
    await expectAccessible(page, 'the choice of employment in English');
    await page.getByLabel(/Gezondheidscentrum Zuidwijk/).check();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(new RegExp(`^${exampleUrl}`));
    const text = await page.locator('main').textContent();
    assert.match(text!, new RegExp(AMRANI.deziNummer));
    assert.match(text!, /90000222/);
    assert.equal(callbacks.length, 1, 'the artifact was not sent again');
    await context.close();
  });

  test("a level too low, after switching the OpenID stand-in's page to English: accessible, both languages, another means logs in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(exampleUrl);
    await page.getByRole('button', { name: /Inloggen met Dezi/ }).click();
    await page.getByRole('button', { name: /Ziekenhuispas \(proeftuin, NEN 7518\)/ }).click();
    await page.waitForURL(/\/proeftuin\/oidc-means\/interaction\/[^/?]+$/);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/proeftuin\/oidc-means\/interaction\/[^/?]+\?lang=en$/);
    await page.getByLabel(/F\. el Amrani, linked pseudonym, level midden/).check();
    await page.getByRole('button', { name: 'Log in', exact: true }).click();

    await page.waitForURL(/\/interaction\/[^/]+\/uitkomst$/);
    assert.equal(await page.locator('h1').textContent(), 'Level of assurance too low');
    assert.match(
      (await page.getByRole('alert').textContent())!,
      /at level of assurance low, but .* requires at least level of assurance high/,
    );
    await expectAccessible(page, 'the level-too-low page in English');
    await page.getByRole('link', { name: 'Nederlands' }).click();
    await page.waitForURL(/\/uitkomst\?lang=nl$/);
    assert.equal(await page.locator('h1').textContent(), 'Betrouwbaarheidsniveau te laag');
    await expectAccessible(page, 'the level-too-low page');

    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    await page.waitForURL(/\/proeftuin\/digid\/sso/);
    await page.getByLabel('Testpersoon').selectOption(AMRANI.bsn);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.waitForURL(/\/kies$/);
    await page.getByLabel(/Huisartsenpraktijk De Linde/).check();
    await page.getByRole('button', { name: 'Ga verder' }).click();
    await page.waitForURL(new RegExp(`^${exampleUrl}`));
    assert.match((await page.locator('main').textContent())!, new RegExp(AMRANI.deziNummer));
    await context.close();
  });

  test('error pages, the proeftuin page and English are accessible too', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(exampleUrl);
    await page.getByRole('button', { name: /Inloggen met Dezi/ }).click();
    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    await page.getByLabel('Of typ een BSN').fill('123456789');
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    assert.match((await page.getByRole('alert').textContent())!, /geen geldig BSN/);
    await expectAccessible(page, 'the DigiD stand-in with an error');
    await page.getByLabel('Of typ een BSN').fill(UNKNOWN_TEST_BSN);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    assert.equal(await page.locator('h1').textContent(), 'U staat niet in het Dezi-register');
    await expectAccessible(page, 'the unknown-person page');
    await page.getByRole('button', { name: /Annuleren en terug naar/ }).click();
    await page.waitForURL(new RegExp(`^${exampleUrl}`));
    await expectAccessible(page, 'the example error page');

    for (const path of ['/proeftuin', '/', '/bestaat-niet']) {
      await page.goto(`${dezi.url}${path}`);
      await expectAccessible(page, path);
    }
    await page.goto(`${dezi.url}/proeftuin?lang=en`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await expectAccessible(page, 'the English proeftuin page');
    await context.close();
  });

  test('eIDAS: the node stand-in, with an error, and the page on linking an unlinked eID are accessible', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(exampleUrl);
    await page.getByRole('button', { name: /Inloggen met Dezi/ }).click();
    await page.getByRole('button', { name: /Europese eID \(proeftuin\)/ }).click();
    await expectAccessible(page, 'the eIDAS node stand-in');
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    assert.match((await page.getByRole('alert').textContent())!, /Kies een testpersoon/);
    await expectAccessible(page, 'the eIDAS node stand-in with an error');
    await page.getByLabel(/Lotte Peeters/).check();
    // The HTTP-POST form posts itself (autopost.js) and the login ends on the page on linking.
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.waitForURL(/\/uitkomst$/);
    assert.equal(await page.locator('h1').textContent(), 'Dit inlogmiddel is nog niet gekoppeld');
    await expectAccessible(page, 'the page on linking a means');
    await context.close();
  });

  test('self-registration, Mijn Dezi and the abonnee portal are accessible, in Dutch and English', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const path of ['/registreren', '/mijn-dezi', '/abonnee', '/mijn-dezi?lang=en']) {
      await page.goto(`${dezi.url}${path}`);
      await expectAccessible(page, path);
    }
    await page.goto(`${dezi.url}/registreren?lang=nl`);
    await page.getByRole('link', { name: 'Inloggen en registreren' }).click();
    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    let bsn = 999990300;
    while (!passesElfproef(String(bsn))) bsn++;
    await page.getByLabel('Of typ een BSN').fill(String(bsn));
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();

    await page.waitForURL(/\/registreren\/gegevens$/);
    assert.equal(await page.locator('h1').textContent(), 'Bevestig uw gegevens');
    await expectAccessible(page, 'the registration form');
    await page.getByRole('button', { name: 'Registreren' }).click();
    assert.match((await page.getByRole('alert').textContent())!, /Er is een probleem met uw invoer/);
    await expectAccessible(page, 'the registration form with errors');
    await page.getByLabel('Voorletters').fill('B.');
    await page.getByLabel('Achternaam').fill('Browser');
    await page.getByLabel('Ik bevestig dat deze gegevens kloppen.').check();
    await page.getByRole('button', { name: 'Registreren' }).click();

    await page.waitForURL(/\/mijn-dezi\?melding=geregistreerd$/);
    assert.match((await page.locator('main').textContent())!, /B\. Browser/);
    await expectAccessible(page, 'Mijn Dezi');
    await page.goto(`${dezi.url}/mijn-dezi?lang=en`);
    assert.equal(await page.locator('h1').textContent(), 'Mijn Dezi');
    await expectAccessible(page, 'Mijn Dezi in English');
    await context.close();

    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    await adminPage.goto(`${dezi.url}/abonnee/inloggen?lang=nl`);
    await adminPage.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    await adminPage.getByLabel('Testpersoon').selectOption(JANSEN.bsn);
    await adminPage.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await adminPage.waitForURL(/\/abonnee\/90000111$/);
    assert.equal(await adminPage.locator('h1').textContent(), 'Huisartsenpraktijk De Linde');
    await expectAccessible(adminPage, 'the abonnee portal');
    await adminPage.locator('#invite-rol').selectOption('89.000');
    await adminPage.locator('#invite-bron').selectOption('abonnee');
    await adminPage.getByRole('button', { name: 'Uitnodiging maken' }).click();
    assert.equal(await adminPage.locator('h1').textContent(), 'Registratiecode');
    await expectAccessible(adminPage, 'the registration code page');
    await admin.close();
  });

  test('Yivi: the QR page continues by itself once the stand-in phone has shared; every page is accessible and fits a phone', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(exampleUrl);
    await page.getByRole('button', { name: /Inloggen met Dezi/ }).click();
    await page.getByRole('button', { name: /^Yivi/ }).click();
    await page.waitForURL(/\/means\/yivi\/[A-Za-z0-9_-]{43}$/);
    assert.equal(await page.locator('h1').textContent(), 'Inloggen met Yivi');
    await expectAccessible(page, 'the Yivi QR page');
    await fitsTheScreen(page, 'the Yivi page');
    assert.ok(
      await page
        .locator('img.dezi-yivi-qr')
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
      'QR shown',
    );

    // The phone: another page, as the Yivi app would be on another device.
    const phone = await context.newPage();
    await phone.goto(
      new URL(
        (await page.getByRole('link', { name: /nagebootste Yivi-app/ }).getAttribute('href'))!,
        page.url(),
      ).href,
    );
    await expectAccessible(phone, 'the stand-in Yivi app');
    await phone.getByLabel('Wiens gegevens deelt u?').selectOption(DE_VRIES.deziNummer);
    await phone.getByRole('button', { name: 'Delen' }).click();
    await phone.getByRole('status').waitFor();
    await expectAccessible(phone, 'the stand-in Yivi app after sharing');

    // No click on the QR page: its script sees DONE and continues.
    await page.waitForURL(new RegExp(`^${exampleUrl}`), { timeout: 15_000 });
    assert.match((await page.locator('main').textContent())!, new RegExp(DE_VRIES.deziNummer));
    await context.close();
  });

  test('an OpenID Connect means: the pages of the stand-in supplier are accessible, Dutch first', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(exampleUrl);
    await page.getByRole('button', { name: /Inloggen met Dezi/ }).click();
    await page.getByRole('button', { name: /Ziekenhuispas \(proeftuin, NEN 7518\)/ }).click();
    await page.waitForURL(/\/proeftuin\/oidc-means\/interaction\//);
    await expectAccessible(page, 'the stand-in supplier login page');
    await page.getByLabel(/S\.M\. de Vries, UZI-nummer/).check();
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.waitForURL(new RegExp(`^${exampleUrl}`));
    assert.match((await page.locator('main').textContent())!, new RegExp(DE_VRIES.deziNummer));

    await context.close();

    const englishContext = await browser.newContext();
    const english = await englishContext.newPage();
    await english.goto(exampleUrl);
    await english.getByRole('button', { name: /Inloggen met Dezi/ }).click();
    await english.waitForURL(/\/interaction\//);
    await english.goto(`${english.url()}?lang=en`);
    await english.getByRole('button', { name: /Hospital pass \(proeftuin, NEN 7518\)/ }).click();
    await english.waitForURL(/\/proeftuin\/oidc-means\/interaction\//);
    assert.equal(await english.locator('html').getAttribute('lang'), 'en');
    await expectAccessible(english, 'the stand-in supplier login page in English');
    await englishContext.close();
  });

  test('means policy states are accessible: unusable means, the refusal and the fallback page', async () => {
    const ended = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const strict = await registerRp(dezi.url, {
      client_name: 'EPD Duaal',
      default_acr_values: [LOA.substantial],
      dezi_excluded_means: [{ means: TEST_MEANS, from: ended }],
    });
    const relaxed = await registerRp(dezi.url, {
      client_name: 'EPD Substantieel',
      default_acr_values: [LOA.substantial],
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto((await authorizationRequest(strict, { login_hint: `means:${TEST_MEANS}` })).url);
      await page.waitForURL(/\/interaction\//);
      assert.match(
        (await page.locator('main').textContent())!,
        /niet meer geaccepteerd door deze zorgapplicatie/,
      );
      await expectAccessible(page, 'the login page with a means no longer accepted');
      // A stale or edited form: the refusal page.
      await page
        .locator('button[name="means"]')
        .first()
        .evaluate((b) => b.setAttribute('value', 'testmiddel'));
      await page.locator('button[name="means"]').first().click();
      assert.equal(await page.locator('h1').textContent(), 'Dit inlogmiddel wordt niet geaccepteerd');
      await expectAccessible(page, 'the refusal page');

      await setTestMeansMode(dezi.url, 'down');
      await page.goto((await authorizationRequest(relaxed)).url);
      await page.waitForURL(/\/interaction\//);
      assert.match((await page.locator('main').textContent())!, /Tijdelijk niet beschikbaar/);
      await expectAccessible(page, 'the login page with a means that is down');
      await page.goto(`${page.url()}?lang=en`);
      assert.match((await page.locator('main').textContent())!, /Temporarily unavailable/);
      await expectAccessible(page, 'the English login page with a means that is down');
      await page.goto(`${page.url().split('?')[0]}?lang=nl`);

      await setTestMeansMode(dezi.url, 'up');
      await page.goto((await authorizationRequest(relaxed)).url);
      await page.getByRole('button', { name: /Testmiddel \(proeftuin\)/ }).click();
      await page.waitForURL(/\/proeftuin\/testmiddel\/login/);
      await expectAccessible(page, 'the test means stand-in');
      await setTestMeansMode(dezi.url, 'down');
      await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
      // Not at the callback (which carried a one-time code) but at the login's outcome page.
      await page.waitForURL(/\/interaction\/[^/]+\/uitkomst$/);
      assert.equal(await page.locator('h1').textContent(), 'Inlogmiddel tijdelijk niet beschikbaar');
      await expectAccessible(page, 'the fallback page');
      // The same login continues with DigiD.
      await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
      await page.waitForURL(/\/proeftuin\/digid\/sso/);
    } finally {
      await setTestMeansMode(dezi.url, 'up');
      await context.close();
    }
  });

  test('the login pages fit a phone without sideways scrolling', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(exampleUrl);
    await page.getByRole('button', { name: /Inloggen met Dezi/ }).click();
    await page.waitForURL(/\/interaction\//);
    await fitsTheScreen(page, 'the login page');
    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    await page.getByLabel('Of typ een BSN').fill(JANSEN.bsn);
    await fitsTheScreen(page, 'the DigiD stand-in');
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.waitForURL(new RegExp(`^${exampleUrl}`));
    assert.match((await page.locator('main').textContent())!, new RegExp(JANSEN.deziNummer));
    await context.close();
  });
  test("DigiD by HTTP-POST: the stand-in's page is accessible and posts itself under the CSP", async () => {
    const post = await startDezi({
      config: { digid: { spEntityId: null, spKeyFiles: null, idpMetadata: null, responseBinding: 'post' } },
    });
    try {
      const rp = await registerRp(post.url);
      for (const script of ['blocked', 'running'] as const) {
        const context = await browser.newContext();
        const page = await context.newPage();
        if (script === 'blocked') await page.route('**/autopost.js', (route) => route.abort());
        // The zorgapplicatie's host does not exist; reaching it with a code is the end of the login.
        const reached = page.waitForRequest((r) => r.url().startsWith(`${rp.redirectUri}?code=`));
        await page.goto((await authorizationRequest(rp)).url);
        await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
        await page.waitForURL(/\/proeftuin\/digid\/sso/);
        await page.getByLabel('Testpersoon').selectOption(JANSEN.bsn);
        await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
        if (script === 'blocked') {
          // Without the script the person sees the form and continues by hand.
          await page.getByRole('button', { name: 'Ga verder' }).waitFor();
          await expectAccessible(page, "the stand-in's HTTP-POST page");
          await page.getByRole('button', { name: 'Ga verder' }).click();
        }
        await reached;
        await context.close();
      }
    } finally {
      await post.stop();
    }
  });
});
