// Audit trail (first slice): who did what, for which abonnee, from which client, with what outcome.
// Never a BSN: callers pass register identifiers only (the Dezi-nummer, the abonnee-nummer).
import type { Queryable } from '../db/database.ts';

export interface AuditEvent {
  actor: string | null; // Dezi-nummer, "operator:<name>" or "system"
  action: string; // e.g. "login", "verklaring.issue"
  outcome: 'success' | 'failure';
  abonneeNummer?: string | null;
  clientId?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

export async function recordAudit(db: Queryable, event: AuditEvent): Promise<void> {
  await db.query(
    'INSERT INTO audit_events (actor, abonnee_nummer, action, client_id, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6)',
    [
      event.actor,
      event.abonneeNummer ?? null,
      event.action,
      event.clientId ?? null,
      event.outcome,
      JSON.stringify(event.detail ?? {}),
    ],
  );
}
