// Debian's Chromium, headless, for the browser tests (axe needs a real browser).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.DEZI_CHROMIUM ?? '/usr/bin/chromium';

// CI installs Chromium; on a developer's machine without it the browser suites say so instead of failing.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}`);

/** The `skip` option of a browser suite. */
export const SKIP_WITHOUT_CHROMIUM: string | false = available ? false : `no Chromium at ${CHROMIUM}`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}
