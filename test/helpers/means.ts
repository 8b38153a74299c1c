// Drives the proeftuin's test means (level substantial) and its up/down/slow switch, and reads the
// means offered on "Hoe wilt u inloggen?".
import assert from 'node:assert/strict';
import type { Browser, Exchange } from './browser.ts';
import { REGISTRATION_TOKEN } from './dezi.ts';

export const TEST_MEANS = 'testmiddel';
export const DIGID = 'digid';

/** The means offered as buttons, in page order. */
export function offeredMeans(body: string): string[] {
  return [...body.matchAll(/<button\b[^>]*name="means"[^>]*value="([^"]*)"/g)].map((m) => m[1]!);
}

const text = (markup: string) =>
  markup
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The means that cannot be used now ("Nu niet te gebruiken"): each its name and why. */
export function unusableMeans(body: string): string[] {
  return [...body.matchAll(/<li class="dezi-means--unusable">([\s\S]*?)<\/li>/g)].map((m) => {
    const name = /class="dezi-means__name">([\s\S]*?)<\/span>/.exec(m[1]!)?.[1] ?? '';
    const notes = [...m[1]!.matchAll(/class="dezi-means__meta">([\s\S]*?)<\/span>/g)];
    return `${text(name)} ${text(notes.at(-1)?.[1] ?? '')}`;
  });
}

export async function setTestMeansMode(issuer: string, mode: 'up' | 'down' | 'slow'): Promise<void> {
  const res = await fetch(`${issuer}/proeftuin/testmiddel/mode`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${REGISTRATION_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mode }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** From a page with the means buttons: choose the test means; returns the stand-in's page. */
export async function openTestMeans(browser: Browser, page: Exchange, stopAt: string): Promise<Exchange> {
  const standIn = await browser.submit(page, '/means', { means: TEST_MEANS }, stopAt);
  assert.equal(standIn.status, 200, standIn.body.slice(0, 500));
  assert.match(standIn.url, /\/proeftuin\/testmiddel\/login/);
  return standIn;
}

/** From a page with the means buttons: log in with the test means as this test person. */
export async function testMeansLogin(
  browser: Browser,
  page: Exchange,
  deziNummer: string,
  stopAt: string,
): Promise<Exchange> {
  const standIn = await openTestMeans(browser, page, stopAt);
  return browser.submit(
    standIn,
    '/proeftuin/testmiddel/login',
    { person: deziNummer, action: 'login' },
    stopAt,
  );
}
