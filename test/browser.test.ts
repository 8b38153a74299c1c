// In a real browser (Debian's Chromium, driven by playwright-core): a person logs in to the example
// zorgapplicatie through Dezi, every page passes axe's WCAG 2.1 AA checks, and pages fit a phone.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { freePort, REGISTRATION_TOKEN, startDezi, type TestDezi } from './helpers/dezi.ts';
import { LOA } from '../src/means/loa.ts';
import { setTestMeansMode, TEST_MEANS } from './helpers/means.ts';
import { authorizationRequest, registerRp } from './helpers/rp.ts';

const CHROMIUM = process.env.DEZI_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// CI installs Chromium; on a developer's machine without it these tests say so instead of failing.
if (!available && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}`);

const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;

async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(summary, [], `${what} has WCAG 2.1 AA violations`);
  assert.ok(result.passes.length > 0, `axe checked ${what}`);
}

describe('in a real browser', { skip: available ? false : `no Chromium at ${CHROMIUM}` }, () => {
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
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

    await page.waitForURL(/\/proeftuin\/digid-mock\/authenticate/);
    await expectAccessible(page, 'the DigiD stand-in');
    await page.getByLabel('Testpersoon').selectOption(AMRANI.bsn);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();

    await page.waitForURL(/\/kies$/);
    assert.equal(await page.locator('h1').textContent(), 'Waar werk je? Wat ben je?');
    await expectAccessible(page, 'the choice of employment');
    await page.getByLabel(/Gezondheidscentrum Zuidwijk/).check();
    await page.getByRole('button', { name: 'Doorgaan' }).click();

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
      await page.waitForURL(/\/callback\/testmiddel/);
      assert.equal(await page.locator('h1').textContent(), 'Inlogmiddel tijdelijk niet beschikbaar');
      await expectAccessible(page, 'the fallback page');
      // The same login continues with DigiD.
      await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
      await page.waitForURL(/\/proeftuin\/digid-mock\/authenticate/);
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
    const widths = async () =>
      page.evaluate<number[]>('[document.documentElement.scrollWidth, window.innerWidth]');
    let [scroll, inner] = await widths();
    assert.ok(scroll! <= inner!, `login page is ${scroll}px wide on a ${inner}px screen`);
    await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
    await page.getByLabel('Of typ een BSN').fill(JANSEN.bsn);
    [scroll, inner] = await widths();
    assert.ok(scroll! <= inner!, `DigiD stand-in is ${scroll}px wide on a ${inner}px screen`);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.waitForURL(new RegExp(`^${exampleUrl}`));
    assert.match((await page.locator('main').textContent())!, new RegExp(JANSEN.deziNummer));
    await context.close();
  });
});
