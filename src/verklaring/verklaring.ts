// The Dezi-verklaring: a signed statement "this person works at this abonnee in this role".
// Issued once per person × abonnee × role and re-used across logins until it nears expiry.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Database, Queryable } from '../db/database.ts';
import { recordAudit, SYSTEM, type Actor } from '../audit/audit.ts';
import type { Employment, Person } from '../register/register.ts';
import type { SigningKey } from '../oidc/keys.ts';
import { metrics } from '../ops/metrics.ts';

export const VERKLARING_LIFETIME_SECONDS = 92 * 24 * 3600;
/** A verklaring with less than this left is not handed out again; a fresh one is issued. */
const RENEW_BEFORE_SECONDS = 7 * 24 * 3600;

export interface IssuedVerklaring {
  id: string;
  jws: string;
}

export interface VerklaringStatus {
  verklaring_id: string;
  status: 'active' | 'revoked' | 'expired';
  nbf: number;
  exp: number;
  revoked_at: number | null;
}

export interface VerklaringEndpoints {
  issuer: string;
  jwksUri: string;
}

export function statusUri(issuer: string, id: string): string {
  return `${issuer}/status/v1/verklaring/${id}`;
}

export function verklaringSchemaUri(issuer: string): string {
  return `${issuer}/json_schemas/v1/verklaring.json`;
}

export class VerklaringService {
  readonly #db: Database;
  readonly #endpoints: VerklaringEndpoints;
  readonly #signingKey: () => SigningKey;

  constructor(db: Database, endpoints: VerklaringEndpoints, signingKey: () => SigningKey) {
    this.#db = db;
    this.#endpoints = endpoints;
    this.#signingKey = signingKey;
  }

  async #findReusable(person: Person, employment: Employment): Promise<IssuedVerklaring | null> {
    const [row] = await this.#db.query<{ id: string; jws: string }>(
      `SELECT id, jws FROM verklaringen
       WHERE person_id = $1 AND abonnee_id = $2 AND rol_key = $3 AND is_current AND status = 'active'
         AND expires_at > now() + make_interval(secs => $4)`,
      [person.id, employment.abonnee.id, employment.rolCode ?? '-', RENEW_BEFORE_SECONDS],
    );
    return row ?? null;
  }

  /** The current verklaring for this person at this employment, issuing one when needed. */
  async forEmployment(person: Person, employment: Employment): Promise<IssuedVerklaring> {
    const reusable = await this.#findReusable(person, employment);
    if (reusable) return reusable;

    const id = randomUUID();
    const key = this.#signingKey();
    const nbf = Math.floor(Date.now() / 1000);
    // A verklaring never outlives the employment it states.
    const employmentEnd = employment.endDate
      ? Date.parse(`${employment.endDate}T00:00:00Z`) / 1000
      : Infinity;
    const exp = Math.min(nbf + VERKLARING_LIFETIME_SECONDS, employmentEnd);
    const { issuer } = this.#endpoints;
    const jws = await new SignJWT({
      json_schema: verklaringSchemaUri(issuer),
      loa_dezi: person.loaDezi,
      jti: randomUUID(),
      verklaring_id: id,
      dezi_nummer: person.deziNummer,
      voorletters: person.voorletters,
      voorvoegsel: person.voorvoegsel,
      achternaam: person.achternaam,
      abonnee_nummer: employment.abonnee.abonneeNummer,
      abonnee_naam: employment.abonnee.naam,
      rol_code: employment.rolCode,
      rol_naam: employment.rolNaam,
      rol_code_bron: employment.rolCodeBron,
      status_uri: statusUri(issuer, id),
      nbf,
      exp,
      iss: issuer,
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, jku: this.#endpoints.jwksUri, typ: 'JWT' })
      .sign(key.privateKey);

    // Two logins racing for the same person × abonnee × role: the unique index keeps one current
    // verklaring; the loser of the race uses the winner's.
    const inserted = await this.#db.transaction(async (tx) => {
      await tx.query(
        `UPDATE verklaringen SET is_current = false
         WHERE person_id = $1 AND abonnee_id = $2 AND rol_key = $3 AND is_current
           AND (status = 'revoked' OR expires_at <= now() + make_interval(secs => $4))`,
        [person.id, employment.abonnee.id, employment.rolCode ?? '-', RENEW_BEFORE_SECONDS],
      );
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO verklaringen (id, person_id, abonnee_id, employment_id, rol_key, jws, kid, not_before, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8), to_timestamp($9))
         ON CONFLICT (person_id, abonnee_id, rol_key) WHERE is_current DO NOTHING RETURNING id`,
        [
          id,
          person.id,
          employment.abonnee.id,
          employment.id,
          employment.rolCode ?? '-',
          jws,
          key.kid,
          nbf,
          exp,
        ],
      );
      if (rows.length === 1) {
        await recordAudit(tx, {
          actor: { kind: 'person', deziNummer: person.deziNummer },
          action: 'verklaring.issue',
          outcome: 'success',
          abonneeNummer: employment.abonnee.abonneeNummer,
          target: `verklaring:${id}`,
          detail: { employment_id: employment.id, rol_code: employment.rolCode, exp },
        });
      }
      return rows;
    });
    if (inserted.length === 1) {
      metrics.verklaringIssued();
      return { id, jws };
    }
    const winner = await this.#findReusable(person, employment);
    if (!winner) throw new Error('verklaring: concurrent issue left no current verklaring');
    return winner;
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
    const expired = row.status === 'active' && row.exp * 1000 <= Date.now();
    return {
      verklaring_id: row.id,
      status: expired ? 'expired' : row.status,
      nbf: row.nbf,
      exp: row.exp,
      revoked_at: row.revoked_at,
    };
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

export type RevocationTarget = { employmentId: string } | { personId: string } | { abonneeId: string };

/** The revocation itself, for callers that hold a transaction (the register); audited per verklaring. */
export async function revokeVerklaringen(
  tx: Queryable,
  on: RevocationTarget,
  reason: string,
  actor: Actor,
): Promise<string[]> {
  const [column, id] =
    'employmentId' in on
      ? ['employment_id', on.employmentId]
      : 'personId' in on
        ? ['person_id', on.personId]
        : ['abonnee_id', on.abonneeId];
  const rows = await tx.query<{ id: string }>(
    `UPDATE verklaringen SET status = 'revoked', revoked_at = now(), revocation_reason = $2, is_current = false
     WHERE ${column} = $1 AND status = 'active' RETURNING id`,
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
