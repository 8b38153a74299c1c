// Mandates (mandaten): a professional with a BIG role at an abonnee lets a named colleague there log
// in "namens" them, for a period of at most three years, optionally at some zorgapplicaties only.
// The colleague accepts or declines; the mandator, the colleague or the abonnee's administrator may
// end it. Whether a mandate can be used today is decided at login, by one query (USABLE), so that
// the end of the mandator's employment or of either person's registration takes effect at once.
// Ending a mandate invalidates the verklaringen issued under it, in the same transaction; the
// verklaring service also revokes them when the mandator's person or employment is invalidated.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { describeActor, type Actor } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { ABONNEE_COLUMNS, toAbonnee, type AbonneeRow } from './abonnees.ts';
import { audit, today, validDate, type RegisterContext } from './context.ts';
import { byId as employmentById } from './employments.ts';
import { RegisterError } from './errors.ts';
import { roleByCode } from './roles.ts';
import type { Abonnee, Employment } from './types.ts';

/** Who decided, as stored with the decision: the audit's actor, and the API client of a system. */
export function deciderOf(actor: Actor): string {
  const who = describeActor(actor);
  return actor.kind === 'system' && actor.clientId ? `${who}:${actor.clientId}` : who;
}

/** A mandate lasts at most this many years (as mandates for national exchange do today). */
export const MAX_MANDATE_YEARS = 3;
/** At most this many zorgapplicaties may be named; none: every zorgapplicatie. */
export const MAX_MANDATE_CLIENTS = 20;

/** As stored, and `expired` for a pending or accepted mandate whose end date has come. */
export type MandateStatus = 'pending' | 'accepted' | 'declined' | 'ended' | 'expired';

export interface MandateParty {
  personId: string;
  deziNummer: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
}

export interface Mandate {
  id: string;
  abonnee: Abonnee;
  mandator: MandateParty;
  /** The employment through which the mandator gives it: its BIG role is the role acted for. */
  mandatorEmploymentId: string;
  /** The role of that employment now (a role change revokes what was issued under the old one). */
  mandatorRolCode: string | null;
  mandatorRolNaam: string | null;
  mandatee: MandateParty;
  startDate: string;
  /** The first day the mandate no longer holds (exclusive), as an employment's end date. */
  endDate: string;
  /** The zorgapplicaties (client ids) it may be used at; empty: every one. */
  clientIds: string[];
  status: MandateStatus;
  createdAt: Date;
  decidedAt: Date | null;
  endedAt: Date | null;
}

export interface NewMandate {
  /** Whoever gives it: the mandator's employment must be theirs. */
  mandatorPersonId: string;
  mandatorEmploymentId: string;
  mandateeDeziNummer: string;
  /** Default today; never in the past. */
  startDate?: string;
  endDate: string;
  clientIds?: string[];
}

/**
 * What a verklaring issued under a mandate states about it (and rests on): the verklaring service
 * writes the mandator's Dezi-nummer and role, the mandate's id and end, and revokes it when any of
 * these ends.
 */
export interface MandateStatement {
  id: string;
  endDate: string;
  mandatorPersonId: string;
  mandatorDeziNummer: string;
  mandatorEmploymentId: string;
  mandatorRolCode: string;
  /** The mandator's employment's end, if it has one: the verklaring ends no later. */
  mandatorEmploymentEnd: string | null;
}

/** A mandate the person may log in with today, at this zorgapplicatie, and the employment they act in. */
export interface UsableMandate {
  mandate: Mandate;
  /** The acting person's own active employment at the abonnee (the earliest, when several). */
  employment: Employment;
  statement: MandateStatement;
}

/** Why a mandate cannot be given or changed; `reason` lets the pages say which field is wrong. */
export type MandateRefusalReason =
  | 'no_big_role'
  | 'not_a_colleague'
  | 'self'
  | 'start_in_past'
  | 'end_before_start'
  | 'too_long'
  | 'too_many_clients'
  | 'not_pending'
  | 'not_open'
  | 'expired'
  | 'not_found';

const REASON_CODE: Record<MandateRefusalReason, RegisterError['code']> = {
  no_big_role: 'forbidden',
  not_a_colleague: 'conflict',
  self: 'invalid',
  start_in_past: 'invalid',
  end_before_start: 'invalid',
  too_long: 'invalid',
  too_many_clients: 'invalid',
  not_pending: 'conflict',
  not_open: 'conflict',
  expired: 'conflict',
  not_found: 'not_found',
};

export class MandateRefused extends RegisterError {
  override name = 'MandateRefused';
  readonly reason: MandateRefusalReason;
  constructor(reason: MandateRefusalReason, message: string) {
    super(message, REASON_CODE[reason]);
    this.reason = reason;
  }
}

interface MandateRow extends AbonneeRow {
  m_id: string;
  start_date: string;
  end_date: string;
  client_ids: string[];
  m_status: MandateStatus;
  created_at: Date;
  decided_at: Date | null;
  ended_at: Date | null;
  mandator_employment_id: string;
  mandator_rol_code: string | null;
  g_id: string;
  g_dezi_nummer: string;
  g_voorletters: string;
  g_voorvoegsel: string | null;
  g_achternaam: string;
  r_id: string;
  r_dezi_nummer: string;
  r_voorletters: string;
  r_voorvoegsel: string | null;
  r_achternaam: string;
}

const SELECT = `
  SELECT m.id AS m_id, to_char(m.start_date, 'YYYY-MM-DD') AS start_date,
         to_char(m.end_date, 'YYYY-MM-DD') AS end_date, m.client_ids,
         CASE WHEN m.status IN ('pending', 'accepted') AND m.end_date <= current_date THEN 'expired'
              ELSE m.status END AS m_status,
         m.created_at, m.decided_at, m.ended_at, m.mandator_employment_id, me.rol_code AS mandator_rol_code,
         g.id AS g_id, g.dezi_nummer AS g_dezi_nummer, g.voorletters AS g_voorletters,
         g.voorvoegsel AS g_voorvoegsel, g.achternaam AS g_achternaam,
         r.id AS r_id, r.dezi_nummer AS r_dezi_nummer, r.voorletters AS r_voorletters,
         r.voorvoegsel AS r_voorvoegsel, r.achternaam AS r_achternaam,
         ${ABONNEE_COLUMNS}
  FROM mandates m
  JOIN employments me ON me.id = m.mandator_employment_id
  JOIN persons g ON g.id = m.mandator_person_id
  JOIN persons r ON r.id = m.mandatee_person_id
  JOIN abonnees a ON a.id = m.abonnee_id`;

const ORDER = 'ORDER BY m.created_at DESC, m.id';

function toMandate(r: MandateRow): Mandate {
  const role = r.mandator_rol_code ? roleByCode(r.mandator_rol_code) : undefined;
  const date = (d: Date | string | null) => (d === null ? null : new Date(d));
  return {
    id: r.m_id,
    abonnee: toAbonnee(r),
    mandator: {
      personId: r.g_id,
      deziNummer: r.g_dezi_nummer,
      voorletters: r.g_voorletters,
      voorvoegsel: r.g_voorvoegsel,
      achternaam: r.g_achternaam,
    },
    mandatorEmploymentId: r.mandator_employment_id,
    mandatorRolCode: r.mandator_rol_code,
    mandatorRolNaam: r.mandator_rol_code ? (role?.naam ?? r.mandator_rol_code) : null,
    mandatee: {
      personId: r.r_id,
      deziNummer: r.r_dezi_nummer,
      voorletters: r.r_voorletters,
      voorvoegsel: r.r_voorvoegsel,
      achternaam: r.r_achternaam,
    },
    startDate: r.start_date,
    endDate: r.end_date,
    clientIds: [...(r.client_ids ?? [])],
    status: r.m_status,
    createdAt: new Date(r.created_at),
    decidedAt: date(r.decided_at),
    endedAt: date(r.ended_at),
  };
}

/** The same calendar day MAX_MANDATE_YEARS later (29 February compares as the last day of February). */
export function latestMandateEnd(startDate: string): string {
  const year = Number(startDate.slice(0, 4)) + MAX_MANDATE_YEARS;
  return `${String(year).padStart(4, '0')}${startDate.slice(4)}`;
}

function validClientIds(ids: string[] | undefined): string[] {
  const unique = [...new Set((ids ?? []).map((id) => id.trim()).filter((id) => id !== ''))];
  if (unique.length > MAX_MANDATE_CLIENTS)
    throw new MandateRefused('too_many_clients', `at most ${MAX_MANDATE_CLIENTS} zorgapplicaties`);
  for (const id of unique)
    if (id.length > 200 || /\p{Cc}/u.test(id))
      throw new RegisterError('a zorgapplicatie is named by its client id');
  return unique;
}

/** An employment active today at an active abonnee, for the USABLE rule and the checks below. */
const ACTIVE_EMPLOYMENT = (e: string) =>
  `${e}.start_date <= current_date AND (${e}.end_date IS NULL OR ${e}.end_date > current_date)`;

async function colleagueEmploymentId(
  q: Queryable,
  personId: string,
  abonneeId: string,
): Promise<string | null> {
  const [row] = await q.query<{ id: string }>(
    `SELECT e.id FROM employments e WHERE e.person_id = $1 AND e.abonnee_id = $2 AND ${ACTIVE_EMPLOYMENT('e')}
     ORDER BY e.start_date, e.id LIMIT 1`,
    [personId, abonneeId],
  );
  return row?.id ?? null;
}

/**
 * Gives a mandate, pending until the colleague accepts it. The mandator acts through one of their
 * employments, which must be active today with a role from the BIG-register; the colleague must
 * have an active employment at the same abonnee.
 */
export async function give(c: RegisterContext, n: NewMandate, actor: Actor): Promise<Mandate> {
  const now = today();
  const startDate = n.startDate ? validDate(n.startDate, 'startDate') : now;
  const endDate = validDate(n.endDate, 'endDate');
  if (startDate < now) throw new MandateRefused('start_in_past', 'a mandate cannot start in the past');
  if (endDate <= startDate)
    throw new MandateRefused('end_before_start', 'the end date must lie after the start');
  if (endDate > latestMandateEnd(startDate))
    throw new MandateRefused('too_long', `a mandate lasts at most ${MAX_MANDATE_YEARS} years`);
  const clientIds = validClientIds(n.clientIds);
  if (!/^[0-9]{9}$/.test(n.mandateeDeziNummer))
    throw new MandateRefused('not_a_colleague', 'a Dezi-nummer has 9 digits');
  return c.db.transaction(async (tx) => {
    const employment = await employmentById(tx, n.mandatorEmploymentId, true);
    if (!employment || employment.personId !== n.mandatorPersonId)
      throw new MandateRefused('not_found', 'employment not found');
    const [mandator] = await tx.query<{ status: string }>('SELECT status FROM persons WHERE id = $1', [
      n.mandatorPersonId,
    ]);
    if (
      employment.status !== 'active' ||
      employment.abonnee.status !== 'active' ||
      employment.roleSource !== 'big' ||
      mandator?.status !== 'active'
    )
      throw new MandateRefused(
        'no_big_role',
        'only a professional with an active BIG role at the abonnee can give a mandate',
      );
    const [mandatee] = await tx.query<{ id: string; status: string }>(
      'SELECT id, status FROM persons WHERE dezi_nummer = $1',
      [n.mandateeDeziNummer],
    );
    if (mandatee?.id === n.mandatorPersonId)
      throw new MandateRefused('self', 'a mandate is given to someone else');
    // One answer whether the number is unknown or its person works elsewhere: the mandator learns
    // only who works at their own abonnee.
    if (
      !mandatee ||
      mandatee.status !== 'active' ||
      !(await colleagueEmploymentId(tx, mandatee.id, employment.abonnee.id))
    )
      throw new MandateRefused(
        'not_a_colleague',
        `nobody with Dezi-nummer ${n.mandateeDeziNummer} works at ${employment.abonnee.naam} now`,
      );
    const id = randomUUID();
    await tx.query(
      `INSERT INTO mandates (id, abonnee_id, mandator_person_id, mandator_employment_id, mandatee_person_id,
         start_date, end_date, client_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[])`,
      [
        id,
        employment.abonnee.id,
        n.mandatorPersonId,
        employment.id,
        mandatee.id,
        startDate,
        endDate,
        clientIds,
      ],
    );
    await audit(tx, actor, 'register.mandate.give', `mandate:${id}`, {
      abonnee_nummer: employment.abonnee.abonneeNummer,
      mandatee: n.mandateeDeziNummer,
      mandator_employment_id: employment.id,
      rol_code: employment.rolCode,
      start_date: startDate,
      end_date: endDate,
      client_ids: clientIds.join(' ') || null,
    });
    return (await get(tx, id))!;
  });
}

export async function get(q: Queryable, id: string): Promise<Mandate | null> {
  if (!isUuid(id)) return null;
  const [row] = await q.query<MandateRow>(`${SELECT} WHERE m.id = $1`, [id]);
  return row ? toMandate(row) : null;
}

/** Locks the mandate's row; the caller's rule says whether `who` may act on it. */
async function lockFor(tx: Queryable, id: string, may: (m: Mandate) => boolean): Promise<Mandate> {
  if (!isUuid(id)) throw new MandateRefused('not_found', 'mandate not found');
  await tx.query('SELECT id FROM mandates WHERE id = $1 FOR UPDATE', [id]);
  const m = await get(tx, id);
  // Someone else's mandate is not found: nobody learns that it exists.
  if (!m || !may(m)) throw new MandateRefused('not_found', 'mandate not found');
  return m;
}

/** The colleague accepts a pending mandate addressed to them. */
export async function accept(
  c: RegisterContext,
  id: string,
  mandateePersonId: string,
  actor: Actor,
): Promise<Mandate> {
  return c.db.transaction(async (tx) => {
    const m = await lockFor(tx, id, (m) => m.mandatee.personId === mandateePersonId);
    if (m.status === 'expired') throw new MandateRefused('expired', 'the mandate has expired');
    if (m.status !== 'pending') throw new MandateRefused('not_pending', `the mandate is ${m.status}`);
    await tx.query("UPDATE mandates SET status = 'accepted', decided_at = now() WHERE id = $1", [id]);
    await audit(tx, actor, 'register.mandate.accept', `mandate:${id}`, {
      abonnee_nummer: m.abonnee.abonneeNummer,
      mandator: m.mandator.deziNummer,
    });
    return (await get(tx, id))!;
  });
}

/** The colleague declines a pending mandate addressed to them. */
export async function decline(
  c: RegisterContext,
  id: string,
  mandateePersonId: string,
  actor: Actor,
): Promise<Mandate> {
  return c.db.transaction(async (tx) => {
    const m = await lockFor(tx, id, (m) => m.mandatee.personId === mandateePersonId);
    if (m.status !== 'pending' && m.status !== 'expired')
      throw new MandateRefused('not_pending', `the mandate is ${m.status}`);
    await tx.query("UPDATE mandates SET status = 'declined', decided_at = now() WHERE id = $1", [id]);
    await audit(tx, actor, 'register.mandate.decline', `mandate:${id}`, {
      abonnee_nummer: m.abonnee.abonneeNummer,
      mandator: m.mandator.deziNummer,
    });
    return (await get(tx, id))!;
  });
}

/** Who may end a mandate: either person in it, or (an administrator or system of) its abonnee. */
export type MandateEnder = { personId: string } | { abonneeId: string };

/**
 * Ends a pending or accepted mandate; the verklaringen issued under it are invalidated in the same
 * transaction.
 */
export async function end(c: RegisterContext, id: string, by: MandateEnder, actor: Actor): Promise<Mandate> {
  return c.db.transaction(async (tx) => {
    const m = await lockFor(tx, id, (m) =>
      'personId' in by
        ? m.mandator.personId === by.personId || m.mandatee.personId === by.personId
        : m.abonnee.id === by.abonneeId,
    );
    if (m.status !== 'pending' && m.status !== 'accepted' && m.status !== 'expired')
      throw new MandateRefused('not_open', `the mandate is ${m.status}`);
    await tx.query("UPDATE mandates SET status = 'ended', ended_at = now(), ended_by = $2 WHERE id = $1", [
      id,
      deciderOf(actor),
    ]);
    await audit(tx, actor, 'register.mandate.end', `mandate:${id}`, {
      abonnee_nummer: m.abonnee.abonneeNummer,
      mandator: m.mandator.deziNummer,
      mandatee: m.mandatee.deziNummer,
      was: m.status,
    });
    await c.invalidated(tx, { mandateId: id }, 'mandate_ended', actor);
    return (await get(tx, id))!;
  });
}

/** The mandates the person gave, newest first. */
export async function givenBy(c: RegisterContext, personId: string): Promise<Mandate[]> {
  if (!isUuid(personId)) return [];
  return (await c.db.query<MandateRow>(`${SELECT} WHERE m.mandator_person_id = $1 ${ORDER}`, [personId])).map(
    toMandate,
  );
}

/** The mandates given to the person, newest first. */
export async function receivedBy(c: RegisterContext, personId: string): Promise<Mandate[]> {
  if (!isUuid(personId)) return [];
  return (await c.db.query<MandateRow>(`${SELECT} WHERE m.mandatee_person_id = $1 ${ORDER}`, [personId])).map(
    toMandate,
  );
}

/** Every mandate within the abonnee, newest first. */
export async function ofAbonnee(c: RegisterContext, abonneeId: string): Promise<Mandate[]> {
  if (!isUuid(abonneeId)) return [];
  return (await c.db.query<MandateRow>(`${SELECT} WHERE m.abonnee_id = $1 ${ORDER}`, [abonneeId])).map(
    toMandate,
  );
}

/**
 * The rule, written once: a mandate can be used today when it is accepted and within its dates, the
 * mandator is active and their employment is active today with a BIG role, the abonnee is active,
 * and (its zorgapplicaties naming none, or this one) at this zorgapplicatie.
 */
const USABLE = `m.status = 'accepted' AND m.start_date <= current_date AND m.end_date > current_date
  AND g.status = 'active' AND r.status = 'active' AND a.status = 'active'
  AND me.rol_code_bron = 'big' AND me.rol_code IS NOT NULL AND ${ACTIVE_EMPLOYMENT('me')}
  AND (cardinality(m.client_ids) = 0 OR $2 = ANY (m.client_ids))`;

async function usableRows(c: RegisterContext, where: string, params: unknown[]): Promise<UsableMandate[]> {
  const rows = await c.db.query<MandateRow & { mandator_end: string | null }>(
    `SELECT s.*, to_char(me2.end_date, 'YYYY-MM-DD') AS mandator_end
     FROM (${SELECT} WHERE ${USABLE} AND ${where}) s
     JOIN employments me2 ON me2.id = s.mandator_employment_id
     ORDER BY s.naam, s.g_achternaam, s.m_id`,
    params,
  );
  const out: UsableMandate[] = [];
  for (const row of rows) {
    const mandate = toMandate(row);
    const employmentId = await colleagueEmploymentId(c.db, mandate.mandatee.personId, mandate.abonnee.id);
    const employment = employmentId ? await employmentById(c.db, employmentId) : null;
    if (!employment) continue;
    out.push({
      mandate,
      employment,
      statement: {
        id: mandate.id,
        endDate: mandate.endDate,
        mandatorPersonId: mandate.mandator.personId,
        mandatorDeziNummer: mandate.mandator.deziNummer,
        mandatorEmploymentId: mandate.mandatorEmploymentId,
        mandatorRolCode: mandate.mandatorRolCode!,
        mandatorEmploymentEnd: row.mandator_end,
      },
    });
  }
  return out;
}

/** The mandates the person may log in with today at this zorgapplicatie, by abonnee and mandator. */
export function usableBy(c: RegisterContext, personId: string, clientId: string): Promise<UsableMandate[]> {
  if (!isUuid(personId)) return Promise.resolve([]);
  return usableRows(c, 'm.mandatee_person_id = $1', [personId, clientId]);
}

/** One mandate, if the person may log in with it today at this zorgapplicatie; null otherwise. */
export async function usable(
  c: RegisterContext,
  personId: string,
  mandateId: string,
  clientId: string,
): Promise<UsableMandate | null> {
  if (!isUuid(personId) || !isUuid(mandateId)) return null;
  const [found] = await usableRows(c, 'm.mandatee_person_id = $1 AND m.id = $3', [
    personId,
    clientId,
    mandateId,
  ]);
  return found ?? null;
}
