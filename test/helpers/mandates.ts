// What the mandate and role-declaration suites share: colleagues enrolled for one test (fresh test
// BSNs, a Dezi-nummer allocated by the register), a portal login through the broker and DigiD, and
// the verklaring's standard members in the acceptance vector's order.
import assert from 'node:assert/strict';
import { LOA } from '../../src/means/loa.ts';
import { Bsn, passesElfproef } from '../../src/means/bsn.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../../src/proeftuin/seed-data.ts';
import type { Person, Register } from '../../src/register/register.ts';
import type { RoleSource } from '../../src/register/roles.ts';
import type { Actor } from '../../src/audit/audit.ts';
import { Browser, type Exchange } from './browser.ts';
import { digidLogin } from './login.ts';

export const OPERATOR: Actor = { kind: 'operator', name: 'mandate-test' };

export const seed = (achternaam: string) => SEED_PERSONS.find((p) => p.achternaam === achternaam)!;

/** The verklaring's members as the acceptance environment writes them, in its order (spec §5.1). */
export const STANDARD_CLAIMS = [
  'json_schema',
  'loa_dezi',
  'jti',
  'verklaring_id',
  'dezi_nummer',
  'voorletters',
  'voorvoegsel',
  'achternaam',
  'abonnee_nummer',
  'abonnee_naam',
  'rol_code',
  'rol_naam',
  'rol_code_bron',
  'status_uri',
  'nbf',
  'exp',
  'iss',
];

/** The claims a verklaring under a mandate adds after them, in this order. */
export const MANDATE_CLAIMS = [
  'mandaatgever_dezi_nummer',
  'mandaatgever_rol_code',
  'mandaat_id',
  'mandaat_einde',
];

/** Test BSNs that pass the elfproef and belong to nobody in the seed, from `from` on. */
export function* freshBsns(from: number): Generator<string> {
  const taken = new Set([...SEED_PERSONS.map((p) => p.bsn), UNKNOWN_TEST_BSN]);
  for (let n = from; ; n++) if (passesElfproef(String(n)) && !taken.has(String(n))) yield String(n);
}

export interface Colleague {
  person: Person;
  bsn: string;
}

/** A new person with one employment at the abonnee (a role from the abonnee, or none). */
export async function enrolColleague(
  register: Register,
  bsn: string,
  achternaam: string,
  abonneeNummer: string,
  role: { rolCode: string | null; rolCodeBron: RoleSource | null } = { rolCode: null, rolCodeBron: null },
): Promise<Colleague> {
  const person = await register.registerPerson(
    { bsn: Bsn.parse(bsn), voorletters: 'T.', voorvoegsel: null, achternaam, loaDezi: LOA.high },
    OPERATOR,
  );
  const abonnee = (await register.findAbonnee(abonneeNummer))!;
  await register.createEmployment({ personId: person.id, abonneeId: abonnee.id, ...role }, OPERATOR);
  return { person, bsn };
}

/** Logs in to a portal (Mijn Dezi, the abonnee portal) through the broker and DigiD. */
export async function portalLogin(
  browser: Browser,
  url: string,
  path: string,
  bsn: string,
): Promise<Exchange> {
  const meansPage = await browser.goto(`${url}${path}`);
  assert.match(meansPage.url, /\/interaction\//);
  return digidLogin(browser, meansPage, bsn, 'http://never.invalid/');
}

/** A date `days` from today (UTC, as the register's today()), YYYY-MM-DD. */
export function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The same day `years` later. */
export function inYears(years: number, from = inDays(0)): string {
  return `${Number(from.slice(0, 4)) + years}${from.slice(4)}`;
}

/** The verklaringen the revocation list names now (after a rebuild). */
export async function revokedIds(url: string, rebuild: () => Promise<unknown>): Promise<string[]> {
  await rebuild();
  const res = await fetch(`${url}/revocatiecontrole/v1`);
  assert.equal(res.status, 200);
  const payload = JSON.parse(Buffer.from((await res.text()).split('.')[1]!, 'base64url').toString()) as {
    revocaties: { verklaringId: string }[];
  };
  return payload.revocaties.map((r) => r.verklaringId);
}

/** What the status endpoint says of a verklaring. */
export async function statusOf(statusUri: unknown): Promise<string> {
  return ((await (await fetch(statusUri as string)).json()) as { status: string }).status;
}

/** The audit records of an action, newest first. */
export async function auditOf(
  db: { query<T>(sql: string, params?: unknown[]): Promise<T[]> },
  action: string,
): Promise<
  {
    actor: string | null;
    outcome: string;
    target: string | null;
    abonnee_nummer: string | null;
    detail: Record<string, unknown>;
  }[]
> {
  return db.query(
    `SELECT actor, outcome, target, abonnee_nummer, detail FROM audit_events WHERE action = $1 ORDER BY id DESC`,
    [action],
  );
}
