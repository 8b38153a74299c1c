// Debian's Chromium, headless, for the browser tests (axe needs a real browser).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.DEZI_CHROMIUM ?? '/usr/bin/chromium';

// CI installs Chromium; on a developer's machine without it the browser suites say so instead of failing.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}`);

/** The `skip` option of a browser suite. */
export const SKIP_WITHOUT_CHROMIUM: string | false = available ? false : `no Chromium at ${CHROMIUM}`;

/**
 * The locale every page of a browser test is opened in unless the test names another: Dutch, as a
 * person in the Netherlands has it. Chromium's own default (en-US) would send "Accept-Language: en-US"
 * and Dezi would answer in English (web.lang falls back to Accept-Language).
 */
export const DEFAULT_LOCALE = 'nl-NL';

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
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
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options = {}) => newContext({ locale: DEFAULT_LOCALE, ...options });
  const newPage = browser.newPage.bind(browser);
  browser.newPage = (options = {}) => newPage({ locale: DEFAULT_LOCALE, ...options });
  return browser;
}
