// The audit trail read back for the people it is about: a person's own logins (Mijn Dezi) and an
// abonnee's own entries (the abonnee portal), newest first, a page at a time. Only what the
// caller's filter names is ever read: the portals pass the logged-in person's Dezi-nummer or the
// administered abonnee's number, never one taken from a request.
import type { Queryable } from '../db/database.ts';
import type { AuditDetail } from './audit.ts';

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string | null;
  actorKind: string | null;
  abonneeNummer: string | null;
  action: string;
  target: string | null;
  clientId: string | null;
  outcome: 'success' | 'failure';
  detail: AuditDetail;
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

/** The actions that are a login of a person: to a zorgapplicatie, and to the portals. */
export const LOGIN_ACTIONS = ['login', 'portal.login'] as const;

interface Row {
  id: string | number;
  at: Date;
  actor: string | null;
  actor_kind: string | null;
  abonnee_nummer: string | null;
  action: string;
  target: string | null;
  client_id: string | null;
  outcome: 'success' | 'failure';
  detail: AuditDetail | string;
  total: number;
}

const COLUMNS = `id, at, actor, actor_kind, abonnee_nummer, action, target, client_id, outcome, detail,
  count(*) OVER ()::int AS total`;

async function page(q: Queryable, where: string, params: unknown[], p: PageRequest): Promise<AuditPage> {
  const n = params.length;
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM audit_events WHERE ${where} ORDER BY at DESC, id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, p.limit, p.offset],
  );
  let total = rows[0]?.total;
  if (total === undefined)
    total =
      p.offset === 0
        ? 0
        : (
            await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE ${where}`, params)
          )[0]!.n;
  return {
    total: Number(total),
    entries: rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at),
      actor: r.actor,
      actorKind: r.actor_kind,
      abonneeNummer: r.abonnee_nummer?.trim() ?? null,
      action: r.action,
      target: r.target,
      clientId: r.client_id,
      outcome: r.outcome,
      detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as AuditDetail) : r.detail,
    })),
  };
}

/** The person's own logins, successful and refused: only records whose actor is this Dezi-nummer. */
export function loginsOfPerson(q: Queryable, deziNummer: string, p: PageRequest): Promise<AuditPage> {
  return page(
    q,
    `actor = $1 AND actor_kind = 'person' AND action = ANY($2::text[])`,
    [deziNummer, [...LOGIN_ACTIONS]],
    p,
  );
}

/** Every entry recorded on behalf of this abonnee (audit_events.abonnee_nummer), and nothing else. */
export function entriesOfAbonnee(q: Queryable, abonneeNummer: string, p: PageRequest): Promise<AuditPage> {
  return page(q, 'abonnee_nummer = $1', [abonneeNummer], p);
}
