// The credentials Dezi put in wallets: issuing one (an index in a status list, a row, an audit record,
// the signed SD-JWT VC, in one transaction) and revoking them when what they rest on changes.
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database, Queryable } from '../db/database.ts';
import { isUuid } from '../ids.ts';
import type { InvalidatedCriteria } from '../register/types.ts';
import { issueVerklaringCredential, type IssuerKey, type VerklaringClaims } from './credential.ts';
import { StatusLists, type StatusEntry } from './status-list.ts';

export const STATUS_LIST_PATH = '/wallet/statuslists';

/** Who issues: the credential issuer identifier (an https URL named in the certificate's SAN) and the type. */
export interface IssuerSettings {
  iss: string;
  vct: string;
  /** Where the status lists are served: `${statusBase}${STATUS_LIST_PATH}/{id}`. */
  statusBase: string;
}

/** What a credential is issued from: a verklaring the register stands behind, and what it rests on. */
export interface CredentialSource {
  claims: VerklaringClaims;
  /** The verklaring's `exp` (seconds): the credential says no more than the verklaring does. */
  exp: number;
  personId: string;
  employmentId: string;
  abonneeId: string;
}

export interface PersonCredential {
  id: string;
  employmentId: string;
  issuedAt: Date;
  expiresAt: Date;
  /** The words of the verklaring's status. */
  status: 'actief' | 'ingetrokken' | 'verlopen';
  revocationReason: string | null;
}

export interface IssuedCredential {
  id: string;
  credential: string;
  status: StatusEntry;
}

export function statusListUri(statusBase: string, listId: string): string {
  return `${statusBase}${STATUS_LIST_PATH}/${listId}`;
}

export class WalletCredentials {
  readonly #db: Database;
  readonly #lists: StatusLists;
  readonly #settings: IssuerSettings;
  readonly #key: () => IssuerKey;

  constructor(db: Database, lists: StatusLists, settings: IssuerSettings, key: () => IssuerKey) {
    this.#db = db;
    this.#lists = lists;
    this.#settings = settings;
    this.#key = key;
  }

  get lists(): StatusLists {
    return this.#lists;
  }

  /** A person's credentials, newest first, with their state now. */
  async ofPerson(personId: string): Promise<PersonCredential[]> {
    const rows = await this.#db.query<{
      id: string;
      employment_id: string;
      issued_at: Date;
      expires_at: Date;
      revoked_at: Date | null;
      revocation_reason: string | null;
    }>(
      `SELECT id, employment_id, issued_at, expires_at, revoked_at, revocation_reason FROM wallet_credentials
       WHERE person_id = $1 ORDER BY issued_at DESC, id LIMIT 100`,
      [personId],
    );
    const now = Date.now();
    return rows.map((r) => ({
      id: r.id,
      employmentId: r.employment_id,
      issuedAt: new Date(r.issued_at),
      expiresAt: new Date(r.expires_at),
      status: r.revoked_at ? 'ingetrokken' : new Date(r.expires_at).getTime() <= now ? 'verlopen' : 'actief',
      revocationReason: r.revocation_reason,
    }));
  }

  /** The holder revokes one of their own credentials (a lost phone); false when there is none to revoke. */
  async revokeOwn(personId: string, credentialId: string, actor: Actor): Promise<boolean> {
    if (!isUuid(credentialId)) return false;
    const ids = await this.#db.transaction((tx) =>
      revokeWhere(tx, 'id = $1 AND person_id = $2', [credentialId, personId], 'holder_revoked', actor),
    );
    return ids.length === 1;
  }

  /** Issues the credential bound to the holder's key; audited as wallet.credential.issue. */
  async issue(
    source: CredentialSource,
    holder: { jwk: JWK; jkt: string },
    actor: Actor,
  ): Promise<IssuedCredential> {
    const id = randomUUID();
    const iat = Math.floor(Date.now() / 1000);
    return this.#db.transaction(async (tx) => {
      const status = await this.#lists.allocate(tx);
      await tx.query(
        `INSERT INTO wallet_credentials
           (id, verklaring_id, person_id, employment_id, abonnee_id, holder_jkt, status_list_id, status_idx, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9))`,
        [
          id,
          source.claims.verklaring_id,
          source.personId,
          source.employmentId,
          source.abonneeId,
          holder.jkt,
          status.listId,
          status.idx,
          source.exp,
        ],
      );
      const credential = await issueVerklaringCredential({
        claims: source.claims,
        holderJwk: holder.jwk,
        status: { idx: status.idx, uri: statusListUri(this.#settings.statusBase, status.listId) },
        iss: this.#settings.iss,
        vct: this.#settings.vct,
        iat,
        exp: source.exp,
        key: this.#key(),
      });
      await recordAudit(tx, {
        actor,
        action: 'wallet.credential.issue',
        outcome: 'success',
        target: `wallet_credential:${id}`,
        abonneeNummer: source.claims.abonnee_nummer,
        detail: { verklaring_id: source.claims.verklaring_id, holder_jkt: holder.jkt },
      });
      return { id, credential, status };
    });
  }
}

/** Which credentials rest on what a change made untrue (a credential is never issued under a mandate). */
function restingOn(on: InvalidatedCriteria): { where: string; id: string } | null {
  if ('employmentId' in on) return { where: 'employment_id = $1', id: on.employmentId };
  if ('personId' in on) return { where: 'person_id = $1', id: on.personId };
  if ('abonneeId' in on) return { where: 'abonnee_id = $1', id: on.abonneeId };
  return null;
}

/**
 * Revokes the unexpired credentials resting on what a change made untrue and sets their status bits,
 * in the caller's transaction; audited per credential. Its signature is the register's OnInvalidated.
 */
export async function revokeWalletCredentials(
  tx: Queryable,
  on: InvalidatedCriteria,
  reason: string,
  actor: Actor,
): Promise<string[]> {
  const resting = restingOn(on);
  return resting ? revokeWhere(tx, resting.where, [resting.id], reason, actor) : [];
}

/** The one way a credential is revoked: the row, its status bit, an audit record, in one transaction. */
async function revokeWhere(
  tx: Queryable,
  where: string,
  params: unknown[],
  reason: string,
  actor: Actor,
): Promise<string[]> {
  const rows = await tx.query<{ id: string; status_list_id: string; status_idx: number }>(
    `UPDATE wallet_credentials SET revoked_at = now(), revocation_reason = $${params.length + 1}
     WHERE ${where} AND revoked_at IS NULL AND expires_at > now()
     RETURNING id, status_list_id, status_idx`,
    [...params, reason],
  );
  await StatusLists.revoke(
    tx,
    rows.map((r) => ({ listId: r.status_list_id, idx: Number(r.status_idx) })),
  );
  for (const r of rows) {
    await recordAudit(tx, {
      actor,
      action: 'wallet.credential.revoke',
      outcome: 'success',
      target: `wallet_credential:${r.id}`,
      detail: { reason },
    });
  }
  return rows.map((r) => r.id);
}
