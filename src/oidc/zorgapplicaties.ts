// The zorgapplicaties registered with the OpenID provider, by client id and name: for a person who
// names where a mandate may be used. Read from the provider's own client store (this module's
// table); first-party clients (the portals) are left out by the caller's list.
import type { Database } from '../db/database.ts';

export interface Zorgapplicatie {
  clientId: string;
  /** The registered client_name, or the client id when it registered none. */
  name: string;
}

/** Every registered zorgapplicatie but the ones excluded, by name. */
export async function listZorgapplicaties(db: Database, exclude: string[] = []): Promise<Zorgapplicatie[]> {
  const rows = await db.query<{ id: string; name: string | null }>(
    `SELECT id, payload->>'client_name' AS name FROM oidc_payloads
     WHERE model = 'Client' AND (expires_at IS NULL OR expires_at > now()) AND NOT (id = ANY ($1::text[]))
     ORDER BY lower(coalesce(payload->>'client_name', id)), id`,
    [exclude],
  );
  return rows.map((r) => ({ clientId: r.id, name: r.name?.trim() || r.id }));
}
