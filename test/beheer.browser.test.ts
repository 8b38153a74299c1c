// Beheer in a real browser (Debian's Chromium, driven by playwright-core), at desktop size and on a
// phone (390×844): the operator logs in through DigiD, does each task as a person would (a form
// with errors, a confirmation, a certificate file chosen in the file picker, a CSV download), every
// page passes axe's WCAG 2.1 AA checks and fits the screen, and a screenshot of every page is kept in
// test-results/screenshots/ for CI to leave behind.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, fitsTheScreen } from './helpers/axe.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { JANSEN, OPERATOR, OPERATOR_CONFIG } from './helpers/beheer.ts';
import { encryptionCertificate } from './helpers/certificates.ts';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { startDezi, type TestDezi } from './helpers/dezi.ts';
import { backdate, inside, monthsAgo } from './helpers/fees.ts';
import { registerRp, type TestRp } from './helpers/rp.ts';

/** axe on a busy two-core machine takes its time. */
const SLOW = 300_000;
const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

const SIZES = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 900 } } },
  { name: 'telefoon', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
] as const;

describe('beheer in a real browser', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let dezi: TestDezi;
  let rp: TestRp;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dezi = await startDezi({ config: OPERATOR_CONFIG });
    // De Linde registered last month: the invoice run of the period that ended last has work.
    await backdate(dezi.db, '90000111', inside(monthsAgo(1)));
    rp = await registerRp(dezi.url);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await dezi?.stop();
  });

  for (const size of SIZES)
    describe(`at ${size.name} size`, () => {
      let context: BrowserContext;
      let page: Page;
      let seen = 0;

      /** axe, no sideways scrolling of the page, no BSN, and a screenshot. */
      async function check(name: string, on: Page = page) {
        await expectAccessible(on, `${name} (${size.name})`);
        await fitsTheScreen(on, `${name} (${size.name})`);
        const html = await on.content();
        assert.ok(!SEED_PERSONS.some((p) => html.includes(p.bsn)), `${name}: no BSN`);
        await on.screenshot({ path: join(SCREENSHOTS, `beheer-${name}-${size.name}.png`), fullPage: true });
        seen++;
      }

      const nav = (name: string) =>
        page
          .getByRole('navigation', { name: 'Onderdelen van beheer' })
          .getByRole('link', { name, exact: true })
          .click();

      before(async () => {
        context = await browser.newContext({ ...size.options, acceptDownloads: true });
        page = await context.newPage();
      });

      after(async () => {
        await context?.close();
        assert.ok(seen >= 20, `${seen} pages checked at ${size.name} size`);
      });

      test('the operator logs in through DigiD and lands on the start page', { timeout: SLOW }, async () => {
        await page.goto(`${dezi.url}/beheer`);
        await page.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
        await page.getByLabel('Testpersoon').selectOption(OPERATOR.bsn);
        await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
        await page.waitForURL(/\/beheer$/);
        assert.equal(await page.locator('h1').textContent(), 'Beheer');
        await check('start');
      });

      test(
        'abonnees: a search, a form with errors, adding, suspending after confirming',
        { timeout: SLOW },
        async () => {
          await nav('Abonnees');
          await page.getByLabel('Zoek een abonnee').fill('Rivierenland');
          await page.getByRole('button', { name: 'Zoeken' }).click();
          await check('abonnees');
          await page.getByLabel('Abonneenummer (URA)').fill('12');
          await page.getByLabel('Naam', { exact: true }).fill('Praktijk');
          await page.getByLabel('KvK-nummer').fill('abc');
          await page.getByRole('button', { name: 'Abonnee toevoegen' }).click();
          assert.match(await page.title(), /^Fout: Abonnees/);
          await page.getByRole('link', { name: /Vul een KvK-nummer/ }).click();
          assert.equal(
            await page.evaluate<string>('document.activeElement.id'),
            'kvk',
            'the summary leads to the field',
          );
          await check('abonnees-fouten');
          await page
            .getByLabel('Abonneenummer (URA)')
            .fill(size.name === 'desktop' ? '92000001' : '92000002');
          await page.getByLabel('Naam', { exact: true }).fill(`Praktijk ${size.name}`);
          await page.getByLabel('KvK-nummer').fill('59200001');
          await page.getByRole('button', { name: 'Abonnee toevoegen' }).click();
          await page.waitForURL(/melding=toegevoegd/);
          assert.match((await page.getByRole('status').textContent())!, /De abonnee is toegevoegd/);
          await page.getByRole('button', { name: `Praktijk ${size.name} schorsen` }).click();
          assert.equal(await page.locator('h1').textContent(), 'Abonnee schorsen?');
          await check('abonnee-schorsen');
          await page.getByRole('button', { name: 'Ja, schorsen' }).click();
          await page.waitForURL(/melding=geschorst/);
        },
      );

      test("persons: a search, a person's page, a name change with an error", { timeout: SLOW }, async () => {
        await nav('Personen');
        await check('personen');
        await page.getByLabel('Dezi-nummer of naam').fill('en');
        await page.getByRole('button', { name: 'Zoeken' }).click();
        await check('personen-gevonden');
        await page.getByRole('link', { name: JANSEN.deziNummer }).click();
        assert.equal(await page.locator('h1').textContent(), 'J. Jansen');
        await check('persoon');
        await page.getByLabel('Voorletters').fill('1');
        await page.getByRole('button', { name: 'Naam opslaan' }).click();
        assert.match(await page.title(), /^Fout: /);
        await check('persoon-fouten');
      });

      test(
        'zorgapplicaties: register one with its certificate chosen as a file',
        { timeout: SLOW },
        async () => {
          await nav('Zorgapplicaties');
          await check('zorgapplicaties');
          await page.getByRole('link', { name: 'Zorgapplicatie registreren' }).click();
          await check('zorgapplicatie-nieuw');
          await page.getByLabel('Naam', { exact: true }).fill(`EPD ${size.name}`);
          await page.getByLabel('Terugkeeradressen (redirect-URI’s)').fill('http://epd.test/callback');
          await page.getByRole('button', { name: 'Registreren' }).click();
          assert.match(await page.title(), /^Fout: /);
          await check('zorgapplicatie-nieuw-fouten');
          const cert = await encryptionCertificate();
          await page.getByLabel('Terugkeeradressen (redirect-URI’s)').fill('https://epd.test/callback');
          await page.getByLabel('Certificaatbestand').setInputFiles({
            name: 'epd.pem',
            mimeType: 'application/x-pem-file',
            buffer: Buffer.from(cert.certPem),
          });
          await page.getByRole('button', { name: 'Registreren' }).click();
          await page.waitForURL(/melding=geregistreerd/);
          assert.match((await page.locator('main').textContent())!, /versleuteld; certificaat geldig tot/);
          await check('zorgapplicatie');
          await page.getByRole('button', { name: 'Zorgapplicatie uitschakelen' }).click();
          await check('zorgapplicatie-uitschakelen');
          await page.getByRole('link', { name: 'Annuleren' }).click();
        },
      );

      test(
        'login means: health, a switch after confirming, a policy form with an error',
        { timeout: SLOW },
        async () => {
          await nav('Inlogmiddelen');
          await check('inlogmiddelen');
          await page.getByRole('button', { name: 'Testmiddel (proeftuin) uitzetten' }).click();
          await check('inlogmiddel-uitzetten');
          await page.getByRole('button', { name: 'Ja, uitzetten' }).click();
          await page.waitForURL(/melding=uit/);
          await page.getByRole('button', { name: 'Testmiddel (proeftuin) aanzetten' }).click();
          await page.waitForURL(/melding=aan/);
          await page
            .getByRole('link', { name: `Beleid van ${rp.config.clientMetadata().client_name} wijzigen` })
            .click();
          await check('beleid');
          await page
            .getByRole('group', { name: 'DigiD (proeftuin)' })
            .getByLabel('Tot (niet verplicht)')
            .fill('2027-07-01');
          await page.getByRole('button', { name: 'Beleid opslaan' }).click();
          assert.match(await page.title(), /^Fout: /);
          await check('beleid-fouten');
        },
      );

      test('the audit trail: a search, the CSV download, the chain check', { timeout: SLOW }, async () => {
        await nav('Audittrail');
        await check('audit');
        await page.getByLabel('Handeling').fill('register');
        await page.getByRole('button', { name: 'Zoeken' }).click();
        await check('audit-gevonden');
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Deze zoekopdracht exporteren als CSV' }).click(),
        ]);
        assert.match(download.suggestedFilename(), /^dezi-audit-\d{8}-\d{6}\.csv$/);
        const csv = readFileSync((await download.path())!, 'utf8');
        assert.match(csv, /^\uFEFF"seq","at","actor"/);
        assert.match(csv, /"register\.abonnee\.create"/);
        await page.getByRole('button', { name: 'Hashketen nu controleren' }).click();
        assert.match((await page.locator('main').textContent())!, /De hashketen is intact\./);
        await check('audit-controle');
      });

      test(
        "invoices: a period's run, an invoice, a payment with an error and then right",
        { timeout: SLOW },
        async () => {
          await nav('Facturen');
          await check('facturen');
          // The form offers the last period that has ended; the second screen size finds it made already.
          await page.getByRole('button', { name: 'Facturen maken' }).click();
          await page.waitForURL(/melding=(gemaakt|niets_gemaakt)/);
          await check('facturen-gemaakt');
          await page
            .getByRole('link', { name: /^DEZI-/ })
            .first()
            .click();
          assert.match((await page.locator('h1').textContent())!, /^Factuur DEZI-/);
          await check('factuur');
          await page.getByLabel('Ontvangen bedrag in euro').fill('veel');
          await page.getByRole('button', { name: 'Betaling vastleggen' }).click();
          assert.match(await page.title(), /^Fout: /);
          await check('factuur-fouten');
          await page.getByLabel('Ontvangen bedrag in euro').fill('1,00');
          await page.getByRole('button', { name: 'Betaling vastleggen' }).click();
          await page.waitForURL(/melding=betaald$/);
          assert.match((await page.getByRole('status').first().textContent())!, /De betaling is vastgelegd/);
          await check('factuur-betaald');
        },
      );

      test('in English; and an abonnee administrator is refused', { timeout: SLOW }, async () => {
        for (const path of [
          '/beheer?lang=en',
          '/beheer/inlogmiddelen',
          '/beheer/facturen',
          '/beheer/audit',
        ]) {
          await page.goto(`${dezi.url}${path}`);
          assert.equal(await page.locator('html').getAttribute('lang'), 'en');
          await check(`en-${path.split('/')[2]?.replace(/\?.*/, '') || 'start'}`);
        }
        await page.goto(`${dezi.url}/beheer?lang=nl`);

        const admin = await browser.newContext(size.options);
        try {
          const adminPage = await admin.newPage();
          await adminPage.goto(`${dezi.url}/beheer`);
          await adminPage.getByRole('button', { name: /DigiD \(proeftuin\)/ }).click();
          await adminPage.getByLabel('Testpersoon').selectOption(JANSEN.bsn);
          await adminPage.getByRole('button', { name: 'Inloggen', exact: true }).click();
          await adminPage.waitForURL(/\/beheer$/);
          assert.equal(await adminPage.locator('h1').textContent(), 'Geen toegang tot beheer');
          await check('geen-toegang', adminPage);
        } finally {
          await admin.close();
        }
      });
    });
});
