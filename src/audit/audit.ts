// Audit trail (NEN 7513): who did what, on behalf of which abonnee, from which client, when, with what
// outcome. Append-only and hash-chained by the database itself: an insert stores the record
// (migration 011), and the chainer (audit_chain_pending, under one advisory lock, so that every
// instance extends one linear chain) gives the records written since its last run their place in the
// chain, in batches. The database refuses DELETE, TRUNCATE and every UPDATE but that chaining. So an
// insert, on the login's path, takes no global lock. Never a BSN: callers pass register identifiers
// only (the Dezi-nummer, the abonnee-nummer, ids).
import type { Queryable } from '../db/database.ts';

/**
 * Who acts: a zorgmedewerker (by Dezi-nummer), an operator (beheerder) by name, a citizen in MijnMitz
 * (by Mitz's own pseudonymous id, never the BSN), or Dezi itself.
 */
export type Actor = (
  | { kind: 'person'; deziNummer: string }
  | { kind: 'operator'; name: string }
  | { kind: 'citizen'; citizenId: string }
  | { kind: 'system' }
) & { abonneeNummer?: string; clientId?: string };

export const SYSTEM: Actor = { kind: 'system' };

export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditEvent {
  /** An Actor, or (older callers) a Dezi-nummer, "operator:<name>", "system", or null when unknown. */
  actor: Actor | string | null;
  action: string; // e.g. "login", "verklaring.issue", "register.person.create"
  outcome: 'success' | 'failure';
  abonneeNummer?: string | null;
  clientId?: string | null;
  /** What the action was about, e.g. "person:900010001", "employment:<uuid>". */
  target?: string | null;
  detail?: AuditDetail;
}

/** The stored actor column and its kind. */
export function actorColumns(actor: Actor | string | null): { actor: string | null; kind: string | null } {
  if (actor === null) return { actor: null, kind: null };
  if (typeof actor === 'string') {
    if (actor === 'system') return { actor, kind: 'system' };
    if (actor.startsWith('operator:')) return { actor, kind: 'operator' };
    return { actor, kind: 'person' };
  }
  switch (actor.kind) {
    case 'person':
      return { actor: actor.deziNummer, kind: 'person' };
    case 'operator':
      return { actor: `operator:${actor.name}`, kind: 'operator' };
    case 'citizen':
      return { actor: `citizen:${actor.citizenId}`, kind: 'citizen' };
    case 'system':
      return { actor: 'system', kind: 'system' };
  }
}

export function describeActor(actor: Actor): string {
  return actorColumns(actor).actor!;
}

export async function recordAudit(db: Queryable, event: AuditEvent): Promise<void> {
  const { actor, kind } = actorColumns(event.actor);
  const onBehalf = typeof event.actor === 'object' && event.actor !== null ? event.actor : undefined;
  await db.query(
    `INSERT INTO audit_events (actor, actor_kind, abonnee_nummer, action, target, client_id, outcome, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      actor,
      kind,
      event.abonneeNummer ?? onBehalf?.abonneeNummer ?? null,
      event.action,
      event.target ?? null,
      event.clientId ?? onBehalf?.clientId ?? null,
      event.outcome,
      JSON.stringify(event.detail ?? {}),
    ],
  );
}

export interface AuditProblem {
  seq: number;
  problem: 'changed' | 'deleted' | 'out_of_order';
  message: string;
}

export interface AuditVerification {
  /** Chained records checked. */
  records: number;
  head: { seq: number; hash: string } | null;
  problems: AuditProblem[];
  /** Records written but not yet chained (committed after the chainer's last run): not a problem. */
  pending: number;
}

const PAGE = 5000;

/** Records chained per statement: a batch stays well within the statement timeout. */
export const CHAIN_BATCH = 2000;

/**
 * Chains the records written since the chainer last ran, in batches. With wait false it gives up at
 * once (returns null) when another session is chaining; with wait true it waits for that one and
 * then chains what is left. Returns the number of records chained.
 */
export async function chainAudit(db: Queryable, options: { wait: boolean }): Promise<number | null> {
  let total = 0;
  for (;;) {
    const [row] = await db.query<{ n: number }>('SELECT audit_chain_pending($1, $2) AS n', [
      CHAIN_BATCH,
      options.wait,
    ]);
    const n = Number(row!.n);
    if (n < 0) return total > 0 ? total : null;
    total += n;
    if (n < CHAIN_BATCH) return total;
  }
}

/**
 * Chains what is pending (unless options.chain is false), then recomputes the chain: a record whose
 * content no longer matches its hash was changed; a gap in the sequence, or a record whose prev_hash
 * is not its predecessor's hash, means records were deleted (or a changed record's hash was
 * recomputed). Deleting the newest records leaves a shorter valid chain: compare the head (seq and
 * hash) with one recorded elsewhere. Records not chained yet are counted as pending, not as problems.
 */
export async function verifyAuditChain(
  db: Queryable,
  options: { chain?: boolean } = {},
): Promise<AuditVerification> {
  if (options.chain ?? true) await chainAudit(db, { wait: true });
  const problems: AuditProblem[] = [];
  let prev: { seq: number; hash: string } | null = null;
  let records = 0;
  for (;;) {
    const rows: { seq: string; prev_hash: string | null; hash: string; computed: string }[] = await db.query(
      `SELECT seq, prev_hash, hash, audit_record_hash(prev_hash, a) AS computed
       FROM audit_events a WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
      [prev?.seq ?? 0],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      records++;
      const expectedSeq: number = (prev?.seq ?? 0) + 1;
      if (seq !== expectedSeq) {
        problems.push({
          seq,
          problem: 'deleted',
          message:
            seq - expectedSeq === 1
              ? `record ${expectedSeq} is missing (deleted)`
              : `records ${expectedSeq}–${seq - 1} are missing (deleted)`,
        });
      } else if (r.prev_hash !== (prev?.hash ?? null)) {
        problems.push({
          seq,
          problem: 'out_of_order',
          message: `record ${seq} does not follow record ${prev?.seq ?? 0}: a record before it was replaced`,
        });
      }
      if (r.computed !== r.hash) {
        problems.push({ seq, problem: 'changed', message: `record ${seq} was changed after it was written` });
      }
      prev = { seq, hash: r.hash };
    }
    if (rows.length < PAGE) break;
  }
  const [unchained] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_events WHERE seq IS NULL',
  );
  return { records, head: prev, problems, pending: Number(unchained?.n ?? 0) };
}
