// The logins the broker handed to the OpenID provider, by grant: what the userinfo endpoint answers
// with. Owned by the broker; read by others only through loginForGrant.
import type { Database } from '../db/database.ts';
import type { LoA } from '../means/loa.ts';
import type { VerklaringService } from '../verklaring/verklaring.ts';

export interface HandedLogin {
  grantId: string;
  clientId: string;
  personId: string;
  employmentId: string;
  verklaringId: string;
  meansId: string;
  loaAuthn: LoA;
}

export async function recordHandedLogin(db: Database, l: HandedLogin, ttlSeconds: number): Promise<void> {
  await db.query(
    `INSERT INTO broker_logins (grant_id, client_id, person_id, employment_id, verklaring_id, means_id, loa_authn, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
    [l.grantId, l.clientId, l.personId, l.employmentId, l.verklaringId, l.meansId, l.loaAuthn, ttlSeconds],
  );
}

/**
 * What the broker recorded when it handed a login to the OpenID provider (read by userinfo), while its
 * verklaring still stands: the verklaring service says so (a suspended person's, an ended employment's
 * verklaringen are revoked when that happens), so the broker reads no other module's table.
 */
export async function loginForGrant(
  db: Database,
  verklaringen: Pick<VerklaringService, 'activeJws'>,
  grantId: string,
): Promise<{ personId: string; loaAuthn: string; verklaring: { id: string; jws: string } } | null> {
  const [row] = await db.query<{ person_id: string; loa_authn: string; verklaring_id: string }>(
    `SELECT person_id, loa_authn, verklaring_id FROM broker_logins
     WHERE grant_id = $1 AND expires_at > now()`,
    [grantId],
  );
  if (!row) return null;
  const jws = await verklaringen.activeJws(row.verklaring_id);
  if (!jws) return null;
  return { personId: row.person_id, loaAuthn: row.loa_authn, verklaring: { id: row.verklaring_id, jws } };
}

/** Expired in-flight state and handed logins: the broker's share of the periodic purge. */
export async function purgeBroker(db: Database): Promise<void> {
  await db.query('DELETE FROM broker_transactions WHERE expires_at < now()');
  await db.query('DELETE FROM broker_logins WHERE expires_at < now()');
}
