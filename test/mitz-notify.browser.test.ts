// The issue's own words: "a subscriber receives the notification after a citizen changes a choice in
// MijnMitz in the browser". In Debian's Chromium: a GP practice's system subscribes to a citizen, the
// citizen logs in to MijnMitz with DigiD and says no to pharmacies; the practice receives the Bundle
// that says so, and the closed question for a pharmacy is denied.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import type { Browser } from 'playwright-core';
import { launchChromium, SKIP_WITHOUT_CHROMIUM } from './helpers/chromium.ts';
import { startDezi, type TestDezi } from './helpers/dezi.ts';
import { mitzSystem, subscribe, Subscriber } from './helpers/mitz.ts';

const CITIZEN = '999991085';

describe(
  'MijnMitz in the browser notifies a subscribed dossierhouder',
  { skip: SKIP_WITHOUT_CHROMIUM },
  () => {
    let dezi: TestDezi;
    let browser: Browser;
    const subscriber = new Subscriber();

    before(async () => {
      await subscriber.start();
      dezi = await startDezi({ config: { mitz: { deliveryPollMs: 100 } } });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await dezi?.stop();
      await subscriber.stop();
    });

    test('a no to pharmacies in MijnMitz reaches the practice, and the question for a pharmacy is denied', async () => {
      const practice = await mitzSystem(dezi.db, dezi.register, '90000111');
      const subscribed = await subscribe(dezi.url, practice, {
        bsn: CITIZEN,
        ura: '90000111',
        endpoint: subscriber.url,
      });
      assert.equal(subscribed.status, 202, await subscribed.text());

      const context = await browser.newContext({ locale: 'nl-NL' });
      const page = await context.newPage();
      await page.goto(`${dezi.url}/mitz`);
      await page.getByRole('link', { name: 'Inloggen met DigiD' }).click();
      await page.waitForURL(/\/proeftuin\/digid\/sso/);
      await page.getByLabel('Of typ een BSN').fill(CITIZEN);
      await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
      await page.waitForURL(/\/mitz\/mijn$/);
      await page.getByRole('link', { name: 'Een keuze geven of wijzigen' }).click();
      await page.getByLabel(/^Behandelgegevens/).check();
      await page.getByLabel('Nee, deze zorgaanbieders mogen deze gegevens niet inzien').check();
      await page.getByLabel('Voor welke zorgaanbieders?').selectOption({ label: 'Apotheken' });
      await page.getByRole('button', { name: 'Keuze opslaan' }).click();
      await page.waitForURL(/\/mitz\/mijn\?melding=vastgelegd$/);
      await context.close();

      for (let i = 0; i < 100 && subscriber.received.length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(subscriber.received.length, 1, 'the practice is notified once');
      const bundle = new XMLParser({ ignoreAttributes: false }).parse(subscriber.received[0]!).Bundle;
      const resources = [bundle.entry].flat().map((e: { resource: Record<string, unknown> }) => e.resource);
      const consents = resources.flatMap((r) =>
        'Consent' in r ? [r.Consent as Record<string, unknown>] : [],
      );
      const inactive = consents.filter((c) => (c.status as Record<string, string>)['@_value'] === 'inactive');
      assert.equal(inactive.length, 1, 'one refusal: behandelgegevens');
      const categories = [inactive[0]!.extension]
        .flat()
        .map((e) => JSON.stringify(e))
        .join();
      assert.ok(categories.includes('RPZAC005'), 'for pharmacies');
      assert.ok(!categories.includes('RPZAC001'), 'and not for GPs');

      // The proeftuin's copy of the reference question, for this citizen, asked by a pharmacy (J8).
      const xml = readFileSync(
        join(import.meta.dirname, '..', 'examples', 'mitz', 'gesloten-vraag.xml'),
        'utf8',
      )
        .replace(
          /extension="\d{9}" root="2\.16\.840\.1\.113883\.2\.4\.6\.3"/,
          `extension="${CITIZEN}" root="2.16.840.1.113883.2.4.6.3"`,
        )
        .replace(/(consulting-healthcare-facility-type-code[\s\S]*?code=")Z3(")/, '$1J8$2');
      assert.ok(xml.includes(CITIZEN) && xml.includes('code="J8"'));
      const res = await fetch(`${dezi.url}/mitz/geslotenautorisatievraag/xacml3`, {
        method: 'POST',
        headers: { 'content-type': 'application/soap+xml' },
        body: xml,
      });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /<(\w+:)?Decision>Deny<\/(\w+:)?Decision>/);
    });
  },
);
