// The Dezi-verklaring (spec §5): a signed statement "this person works at this abonnee in this
// role", signed with the eSeal key (not the id_token key) and written exactly as the acceptance
// environment writes it: header alg, kid, typ, jku; the payload's members in its order; compact JSON
// with raw UTF-8; nbf and exp on 00:00 in the Netherlands, three months apart. Issued once per
// person × abonnee × role and re-used across logins until it nears expiry.
import { randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import type { Database, Queryable } from '../db/database.ts';
import { recordAudit, SYSTEM, type Actor } from '../audit/audit.ts';
import type { Employment, InvalidatedCriteria, MandateStatement, Person } from '../register/register.ts';
import { metrics } from '../ops/metrics.ts';
import {
  amsterdamDate,
  amsterdamMidnight,
  amsterdamMidnightMonthsLater,
  amsterdamMidnightOf,
} from '../time.ts';
import { ESEAL_ALG, type EsealKey } from './eseal.ts';

/** Calendar months from nbf to exp. */
export const VERKLARING_MONTHS = 3;
/** The longest a verklaring can live (three months and a day's rounding): how long its key stays published. */
export const VERKLARING_LIFETIME_SECONDS = 93 * 24 * 3600;
/** A verklaring with less than this left is not handed out again; a fresh one is issued. */
const RENEW_BEFORE_SECONDS = 7 * 24 * 3600;

export interface IssuedVerklaring {
  id: string;
  jws: string;
}

/** The spec's Dutch status words (§6.2.3 names "actief"; the other two are ours, documented). */
export type VerklaringStatusWord = 'actief' | 'ingetrokken' | 'verlopen';

export interface VerklaringStatus {
  verklaringId: string;
  status: VerklaringStatusWord;
  nbf: number;
  exp: number;
  revokedAt: number | null;
}

/** One of a person's verklaringen as Mijn Dezi lists it. */
export interface PersonVerklaring extends VerklaringStatus {
  abonneeNummer: string;
  abonneeNaam: string;
  rolCode: string | null;
  rolNaam: string | null;
  /** Why it was revoked (the register's reason, e.g. "employment_ended"), or null. */
  revocationReason: string | null;
}

export interface PersonVerklaringen {
  items: PersonVerklaring[];
  total: number;
}

/** What the verklaring names besides its subject: configuration (DEZI_VERKLARING_ISSUER, DEZI_JSON_SCHEMA_BASE). */
export interface VerklaringSettings {
  /** The register's URI (`iss`), not the OpenID issuer: https://abonnee.dezi.nl in production. */
  iss: string;
  /** `json_schema`: https://www.dezi.nl/json_schemas/v1/verklaring.json in production. */
  schemaUri: string;
  /** The OpenID issuer: status_uri and jku lie on it. */
  authority: string;
}

export const STATUS_PATH = '/status/v1/verklaring';

export function statusUri(authority: string, id: string): string {
  return `${authority}${STATUS_PATH}/${id}`;
}

/**
 * The claims a verklaring issued under a mandate carries after the standard ones (documented in the
 * relying-party guide): whom the person acts for, in which role, under which mandate, until when. A
 * relying party that ignores unknown claims sees the acting person's own verklaring.
 */
export function mandateClaims(m: MandateStatement): Record<string, string | number> {
  return {
    mandaatgever_dezi_nummer: m.mandatorDeziNummer,
    mandaatgever_rol_code: m.mandatorRolCode,
    mandaat_id: m.id,
    // NumericDate, as nbf and exp: 00:00 in the Netherlands on the first day it no longer holds.
    mandaat_einde: Math.floor(amsterdamMidnightOf(m.endDate) / 1000),
  };
}

/**
 * The JSON text of a verklaring's payload, its members in the acceptance vector's order; under a
 * mandate, the mandate's claims follow them.
 */
export function verklaringPayload(v: {
  schemaUri: string;
  iss: string;
  authority: string;
  id: string;
  jti: string;
  person: Person;
  employment: Employment;
  nbf: number;
  exp: number;
  mandate?: MandateStatement;
}): string {
  return JSON.stringify({
    json_schema: v.schemaUri,
    loa_dezi: v.person.loaDezi,
    jti: v.jti,
    verklaring_id: v.id,
    dezi_nummer: v.person.deziNummer,
    voorletters: v.person.voorletters,
    voorvoegsel: v.person.voorvoegsel,
    achternaam: v.person.achternaam,
    abonnee_nummer: v.employment.abonnee.abonneeNummer,
    abonnee_naam: v.employment.abonnee.naam,
    rol_code: v.employment.rolCode,
    rol_naam: v.employment.rolNaam,
    rol_code_bron: v.employment.rolCodeBron,
    status_uri: statusUri(v.authority, v.id),
    nbf: v.nbf,
    exp: v.exp,
    iss: v.iss,
    ...(v.mandate ? mandateClaims(v.mandate) : {}),
  });
}

/** The earliest of these end dates (YYYY-MM-DD), or null when none is set. */
function earliestEnd(...dates: (string | null | undefined)[]): string | null {
  const set = dates.filter((d): d is string => typeof d === 'string');
  return set.length === 0 ? null : set.reduce((a, b) => (b < a ? b : a));
}

/** One current verklaring per person × abonnee × role, and one more per mandate they act under. */
function rolKey(employment: Employment, mandate?: MandateStatement): string {
  const role = employment.rolCode ?? '-';
  return mandate ? `${role}@mandaat:${mandate.id}` : role;
}

/**
 * nbf: 00:00 in the Netherlands on the day of issue; exp: 00:00 three calendar months later, but
 * never after the employment ends (its first day without) or the eSeal certificate expires.
 */
export function verklaringValidity(
  now: number,
  employmentEnd: string | null,
  certificateNotAfter: Date,
): { nbf: number; exp: number } {
  const { year, month, day } = amsterdamDate(now);
  const nbf = amsterdamMidnight(year, month, day);
  let exp = amsterdamMidnightMonthsLater(now, VERKLARING_MONTHS);
  if (employmentEnd) exp = Math.min(exp, amsterdamMidnightOf(employmentEnd));
  exp = Math.min(exp, certificateNotAfter.getTime());
  return { nbf: Math.floor(nbf / 1000), exp: Math.floor(exp / 1000) };
}

export class VerklaringService {
  readonly #db: Database;
  readonly #settings: VerklaringSettings;
  readonly #eseal: () => EsealKey;

  constructor(db: Database, settings: VerklaringSettings, eseal: () => EsealKey) {
    this.#db = db;
    this.#settings = settings;
    this.#eseal = eseal;
  }

  /** The URL of the eSeal JWKS that every verklaring names in its jku. */
  get jku(): string {
    return `${this.#settings.authority}/dezi/jwks.json`;
  }

  async #findCurrent(
    person: Person,
    employment: Employment,
    mandate?: MandateStatement,
  ): Promise<IssuedVerklaring | null> {
    const [row] = await this.#db.query<{ id: string; jws: string }>(
      `SELECT id, jws FROM verklaringen
       WHERE person_id = $1 AND abonnee_id = $2 AND rol_key = $3 AND is_current AND status = 'active'
         AND expires_at > now() + make_interval(secs => $4)`,
      [person.id, employment.abonnee.id, rolKey(employment, mandate), RENEW_BEFORE_SECONDS],
    );
    return row ?? null;
  }

  /**
   * Whether a stored verklaring still names what Dezi names now: its jku and status_uri lie on this
   * authority and its iss and json_schema are the configured ones. After a change of DEZI_ISSUER (the
   * proeftuin moved to another port) or of the register's URIs, a relying party would refuse it.
   */
  #namesCurrentSettings(jws: string): boolean {
    const [header, payload] = jws
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    return (
      header.jku === this.jku &&
      payload.iss === this.#settings.iss &&
      payload.json_schema === this.#settings.schemaUri &&
      payload.status_uri === statusUri(this.#settings.authority, payload.verklaring_id)
    );
  }

  /**
   * The current verklaring for this person at this employment, issuing one when needed. Under a
   * mandate (the person acts for the mandator), a verklaring of its own: it carries the mandate's
   * claims, ends no later than the mandate and the mandator's employment, and rests on them.
   */
  async forEmployment(
    person: Person,
    employment: Employment,
    mandate?: MandateStatement,
  ): Promise<IssuedVerklaring> {
    const currentRolKey = rolKey(employment, mandate);
    const current = await this.#findCurrent(person, employment, mandate);
    if (current && this.#namesCurrentSettings(current.jws)) return current;
    const outdated = current?.id ?? null;

    const id = randomUUID();
    const key = this.#eseal();
    const { nbf, exp } = verklaringValidity(
      Date.now(),
      earliestEnd(employment.endDate, mandate?.endDate, mandate?.mandatorEmploymentEnd),
      key.notAfter,
    );
    const payload = verklaringPayload({
      ...this.#settings,
      id,
      jti: randomUUID(),
      person,
      employment,
      nbf,
      exp,
      mandate,
    });
    const jws = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: ESEAL_ALG, kid: key.kid, typ: 'JWT', jku: this.jku })
      .sign(key.privateKey);

    // Two logins racing for the same person × abonnee × role: the unique index keeps one current
    // verklaring; the loser of the race uses the winner's.
    const inserted = await this.#db.transaction(async (tx) => {
      await tx.query(
        `UPDATE verklaringen SET is_current = false
         WHERE person_id = $1 AND abonnee_id = $2 AND rol_key = $3 AND is_current
           AND (status = 'revoked' OR expires_at <= now() + make_interval(secs => $4) OR id = $5)`,
        [person.id, employment.abonnee.id, currentRolKey, RENEW_BEFORE_SECONDS, outdated],
      );
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO verklaringen (id, person_id, abonnee_id, employment_id, rol_key, jws, kid, not_before, expires_at,
           mandate_id, mandator_person_id, mandator_employment_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8), to_timestamp($9), $10, $11, $12)
         ON CONFLICT (person_id, abonnee_id, rol_key) WHERE is_current DO NOTHING RETURNING id`,
        [
          id,
          person.id,
          employment.abonnee.id,
          employment.id,
          currentRolKey,
          jws,
          key.kid,
          nbf,
          exp,
          mandate?.id ?? null,
          mandate?.mandatorPersonId ?? null,
          mandate?.mandatorEmploymentId ?? null,
        ],
      );
      if (rows.length === 1) {
        await recordAudit(tx, {
          actor: { kind: 'person', deziNummer: person.deziNummer },
          action: 'verklaring.issue',
          outcome: 'success',
          abonneeNummer: employment.abonnee.abonneeNummer,
          target: `verklaring:${id}`,
          detail: {
            employment_id: employment.id,
            rol_code: employment.rolCode,
            exp,
            ...(mandate ? { mandate_id: mandate.id, mandator: mandate.mandatorDeziNummer } : {}),
          },
        });
      }
      return rows;
    });
    if (inserted.length === 1) {
      metrics.verklaringIssued();
      return { id, jws };
    }
    const winner = await this.#findCurrent(person, employment, mandate);
    if (!winner) throw new Error('verklaring: concurrent issue left no current verklaring');
    return winner;
  }

  /**
   * The signed verklaring while it may still be relied on (not revoked, not expired); null otherwise.
   * Whatever makes a person's verklaringen untrue (suspension, a name or role change, an ended
   * employment) revokes them in the same transaction, so this is also the check that the person and
   * the employment still stand.
   */
  async activeJws(id: string): Promise<string | null> {
    const [row] = await this.#db.query<{ jws: string }>(
      "SELECT jws FROM verklaringen WHERE id = $1 AND status = 'active' AND expires_at > now()",
      [id],
    );
    return row?.jws ?? null;
  }

  async status(id: string): Promise<VerklaringStatus | null> {
    const [row] = await this.#db.query<{
      id: string;
      status: 'active' | 'revoked';
      nbf: number;
      exp: number;
      revoked_at: number | null;
    }>(
      `SELECT id, status, extract(epoch FROM not_before)::int AS nbf, extract(epoch FROM expires_at)::int AS exp,
              extract(epoch FROM revoked_at)::int AS revoked_at
       FROM verklaringen WHERE id = $1`,
      [id],
    );
    if (!row) return null;
    const word: VerklaringStatusWord =
      row.status === 'revoked' ? 'ingetrokken' : row.exp * 1000 <= Date.now() ? 'verlopen' : 'actief';
    return { verklaringId: row.id, status: word, nbf: row.nbf, exp: row.exp, revokedAt: row.revoked_at };
  }

  /**
   * A person's verklaringen, newest first, as issued (abonnee and role read from the signed payload)
   * with their status now: for the person's own overview in Mijn Dezi.
   */
  async ofPerson(personId: string, page: { limit: number; offset: number }): Promise<PersonVerklaringen> {
    const rows = await this.#db.query<{
      id: string;
      jws: string;
      status: 'active' | 'revoked';
      nbf: number;
      exp: number;
      revoked_at: number | null;
      revocation_reason: string | null;
      total: number;
    }>(
      `SELECT id, jws, status, extract(epoch FROM not_before)::int AS nbf, extract(epoch FROM expires_at)::int AS exp,
              extract(epoch FROM revoked_at)::int AS revoked_at, revocation_reason, count(*) OVER ()::int AS total
       FROM verklaringen WHERE person_id = $1 ORDER BY not_before DESC, created_at DESC, id
       LIMIT $2 OFFSET $3`,
      [personId, page.limit, page.offset],
    );
    const now = Date.now();
    const items = rows.map((r): PersonVerklaring => {
      const payload = JSON.parse(Buffer.from(r.jws.split('.')[1]!, 'base64url').toString()) as Record<
        string,
        string | null
      >;
      return {
        verklaringId: r.id,
        abonneeNummer: String(payload.abonnee_nummer),
        abonneeNaam: String(payload.abonnee_naam),
        rolCode: payload.rol_code ?? null,
        rolNaam: payload.rol_naam ?? null,
        status: r.status === 'revoked' ? 'ingetrokken' : r.exp * 1000 <= now ? 'verlopen' : 'actief',
        nbf: r.nbf,
        exp: r.exp,
        revokedAt: r.revoked_at,
        revocationReason: r.revocation_reason,
      };
    });
    // A page past the last has no rows to carry the total: count separately then.
    const total =
      rows[0]?.total ??
      (page.offset === 0
        ? 0
        : Number(
            (
              await this.#db.query<{ n: number }>(
                'SELECT count(*)::int AS n FROM verklaringen WHERE person_id = $1',
                [personId],
              )
            )[0]!.n,
          ));
    return { items, total: Number(total) };
  }

  /** Revoked verklaringen that have not expired yet, newest revocation first: the revocation list. */
  async revokedUnexpired(): Promise<{ id: string; revokedAt: number }[]> {
    const rows = await this.#db.query<{ id: string; revoked_at: number }>(
      `SELECT id, extract(epoch FROM revoked_at)::bigint AS revoked_at FROM verklaringen
       WHERE status = 'revoked' AND expires_at > now() ORDER BY revoked_at DESC, id`,
    );
    return rows.map((r) => ({ id: r.id, revokedAt: Number(r.revoked_at) }));
  }

  /**
   * Revokes every active verklaring that rests on this employment, person or abonnee. Pass the
   * register's transaction so that the change and the revocation commit together.
   */
  async revoke(
    on: RevocationTarget,
    reason: string,
    o: { tx?: Queryable; actor?: Actor } = {},
  ): Promise<number> {
    return (await revokeVerklaringen(o.tx ?? this.#db, on, reason, o.actor ?? SYSTEM)).length;
  }
}

/** What a revocation is for: the register's description of what a change made untrue. */
export type RevocationTarget = InvalidatedCriteria;

/**
 * Which verklaringen rest on what a change made untrue. A verklaring issued under a mandate rests on
 * the mandator's person and employment as well as the acting person's: each is a column of its own.
 */
function restingOn(on: RevocationTarget): { where: string; id: string } {
  if ('employmentId' in on)
    return { where: '(employment_id = $1 OR mandator_employment_id = $1)', id: on.employmentId };
  if ('personId' in on) return { where: '(person_id = $1 OR mandator_person_id = $1)', id: on.personId };
  if ('mandateId' in on) return { where: 'mandate_id = $1', id: on.mandateId };
  return { where: 'abonnee_id = $1', id: on.abonneeId };
}

/**
 * The revocation itself, in the caller's transaction; audited per verklaring. Its signature is the
 * register's OnInvalidated: the composition root hands it to the Register, which calls it in the
 * transaction of the change that made the verklaringen untrue.
 */
export async function revokeVerklaringen(
  tx: Queryable,
  on: RevocationTarget,
  reason: string,
  actor: Actor,
): Promise<string[]> {
  const { where, id } = restingOn(on);
  const rows = await tx.query<{ id: string }>(
    `UPDATE verklaringen SET status = 'revoked', revoked_at = now(), revocation_reason = $2, is_current = false
     WHERE ${where} AND status = 'active' RETURNING id`,
    [id, reason],
  );
  for (const r of rows) {
    await recordAudit(tx, {
      actor,
      action: 'verklaring.revoke',
      outcome: 'success',
      target: `verklaring:${r.id}`,
      detail: { reason },
    });
  }
  metrics.verklaringenRevoked(rows.length);
  return rows.map((r) => r.id);
}
