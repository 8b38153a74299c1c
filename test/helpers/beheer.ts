// Beheer in the tests: who is an operator (a seed person named in the test configuration), logging in
// to /beheer through Dezi and the DigiD stand-in, and what a page must never show (a BSN).
import assert from 'node:assert/strict';
import { SEED_PERSONS } from '../../src/proeftuin/seed-data.ts';
import { Browser, type Exchange } from './browser.ts';
import { digidLogin } from './login.ts';

const seed = (achternaam: string) => SEED_PERSONS.find((p) => p.achternaam === achternaam)!;

/** The operator of the tests, named in the configuration (`operators`). */
export const OPERATOR = seed('Hendriks');
/** An abonnee administrator (of De Linde), not an operator. */
export const JANSEN = seed('Jansen');
/** A plain zorgmedewerker. */
export const SMIT = seed('Smit');

export const OPERATOR_CONFIG = { operators: [OPERATOR.deziNummer] };

const NEVER = 'http://never.invalid/';

/** Logs in to beheer from /beheer through the broker and DigiD; returns the page beheer lands on. */
export async function beheerLogin(
  url: string,
  bsn: string,
  browser = new Browser(),
): Promise<{ browser: Browser; page: Exchange }> {
  const meansPage = await browser.goto(`${url}/beheer`);
  assert.match(meansPage.url, /\/interaction\//, 'beheer sends a browser without a session to the login');
  const page = await digidLogin(browser, meansPage, bsn, NEVER);
  return { browser, page };
}

/** An operator's browser, on the start page of beheer. */
export async function operatorBrowser(url: string): Promise<Browser> {
  const { browser, page } = await beheerLogin(url, OPERATOR.bsn);
  assert.equal(page.status, 200, page.body.slice(0, 800));
  assert.match(page.url, /\/beheer$/);
  return browser;
}

/** No page of beheer (nor its URL or headers) holds a seed person's BSN. */
export function assertNoBsn(browser: Browser): void {
  for (const e of browser.history) {
    if (!new URL(e.url).pathname.startsWith('/beheer')) continue;
    for (const p of SEED_PERSONS) {
      assert.ok(!e.url.includes(p.bsn), `BSN in URL ${e.url}`);
      assert.ok(!e.body.includes(p.bsn), `BSN of ${p.achternaam} on ${e.method} ${e.url}`);
      assert.ok(!JSON.stringify(e.headers).includes(p.bsn), `BSN in the headers of ${e.url}`);
    }
  }
}

/** The audit records of an action, newest first. */
export async function auditOf(
  db: { query<T>(sql: string, params?: unknown[]): Promise<T[]> },
  action: string,
): Promise<
  {
    actor: string;
    actor_kind: string;
    target: string | null;
    client_id: string | null;
    outcome: string;
    detail: Record<string, unknown>;
  }[]
> {
  return db.query(
    'SELECT actor, actor_kind, target, client_id, outcome, detail FROM audit_events WHERE action = $1 ORDER BY id DESC',
    [action],
  );
}
