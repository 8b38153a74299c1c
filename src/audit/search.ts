// Reading the audit trail back, for the operator (beheer): a search by person, abonnee, zorgapplicatie,
// action and period, newest first, in pages (keyset on the record id, so a deep page costs what the
// first does); the same search as CSV; a zorgapplicatie's last logins. Read only: the trail is
// append-only, and nothing here writes to it (the caller audits the search itself).
import type { Queryable } from '../db/database.ts';
import { amsterdamMidnightOf, formatAmsterdam } from '../time.ts';

export interface AuditCriteria {
  /** A Dezi-nummer: records by that person (as zorgmedewerker or as operator) or about them. */
  person?: string;
  /** An abonnee-nummer (URA): records on behalf of that abonnee or about it. */
  abonnee?: string;
  /** A client_id: records from that zorgapplicatie or about it. */
  client?: string;
  /** An action ("login"), or a family of actions ("register.person" finds register.person.*). */
  action?: string;
  /** First day, YYYY-MM-DD, in the Netherlands (inclusive). */
  from?: string;
  /** Last day, YYYY-MM-DD, in the Netherlands (inclusive). */
  until?: string;
}

export type AuditCriterion = keyof AuditCriteria;
export const AUDIT_CRITERIA: readonly AuditCriterion[] = [
  'person',
  'abonnee',
  'client',
  'action',
  'from',
  'until',
];

/** Why a criterion was refused: its form, or (for until) a period that ends before it starts. */
export type CriterionProblem = 'format' | 'order';

const FORMATS: Record<AuditCriterion, RegExp> = {
  person: /^[0-9]{9}$/,
  abonnee: /^[0-9]{8}$/,
  client: /^[A-Za-z0-9._:-]{1,100}$/,
  action: /^[a-z0-9_.-]{1,80}$/,
  from: /^\d{4}-\d{2}-\d{2}$/,
  until: /^\d{4}-\d{2}-\d{2}$/,
};

/**
 * Checks what the operator typed: empty criteria are left out; each other must have its form (a date
 * must be a real date). Returns the criteria, or the problem of each criterion refused.
 */
export function checkAuditCriteria(
  raw: Partial<Record<AuditCriterion, string>>,
): { criteria: AuditCriteria } | { problems: Partial<Record<AuditCriterion, CriterionProblem>> } {
  const criteria: AuditCriteria = {};
  const problems: Partial<Record<AuditCriterion, CriterionProblem>> = {};
  for (const name of AUDIT_CRITERIA) {
    const value = raw[name]?.trim() ?? '';
    if (value === '') continue;
    const isDate = name === 'from' || name === 'until';
    if (!FORMATS[name].test(value) || (isDate && Number.isNaN(amsterdamMidnightOf(value)))) {
      problems[name] = 'format';
      continue;
    }
    criteria[name] = value;
  }
  if (criteria.from && criteria.until && criteria.until < criteria.from) problems.until = 'order';
  return Object.keys(problems).length ? { problems } : { criteria };
}

export interface AuditRecord {
  id: string;
  /** Its place in the hash chain; null until the chainer reached it (about a second). */
  seq: string | null;
  at: Date;
  actor: string | null;
  actorKind: string | null;
  abonneeNummer: string | null;
  action: string;
  target: string | null;
  clientId: string | null;
  outcome: string;
  detail: Record<string, unknown>;
}

interface Row {
  id: string;
  seq: string | null;
  at: Date;
  actor: string | null;
  actor_kind: string | null;
  abonnee_nummer: string | null;
  action: string;
  target: string | null;
  client_id: string | null;
  outcome: string;
  detail: Record<string, unknown> | string;
}

/** id and seq as text (bigint); ORDER BY names audit_events.id, not this text alias. */
const COLUMNS =
  'id::text AS id, seq::text AS seq, at, actor, actor_kind, abonnee_nummer, action, target, client_id, outcome, detail';

function toRecord(r: Row): AuditRecord {
  return {
    id: r.id,
    seq: r.seq,
    at: new Date(r.at),
    actor: r.actor,
    actorKind: r.actor_kind,
    abonneeNummer: r.abonnee_nummer,
    action: r.action,
    target: r.target,
    clientId: r.client_id,
    outcome: r.outcome,
    detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
  };
}

function dayAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The criteria as a WHERE clause and its parameters (numbered from 1). */
function where(c: AuditCriteria): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (c.person) {
    const n = p(c.person);
    parts.push(`(actor = ${n} OR actor = 'operator:' || ${n} OR target = 'person:' || ${n})`);
  }
  if (c.abonnee) {
    const n = p(c.abonnee);
    parts.push(`(abonnee_nummer = ${n} OR target = 'abonnee:' || ${n})`);
  }
  if (c.client) {
    const n = p(c.client);
    parts.push(`(client_id = ${n} OR target = 'client:' || ${n})`);
  }
  if (c.action) {
    // The form allows no "%" or "\", so the action is a literal prefix followed by a dot.
    parts.push(`(action = ${p(c.action)} OR action LIKE ${p(`${c.action.replace(/_/g, '\\_')}.%`)})`);
  }
  if (c.from) parts.push(`at >= ${p(new Date(amsterdamMidnightOf(c.from)))}`);
  // Up to midnight at the start of the day after `until` (a day is 23 or 25 hours at a clock change).
  if (c.until) parts.push(`at < ${p(new Date(amsterdamMidnightOf(dayAfter(c.until))))}`);
  return { sql: parts.length ? parts.join(' AND ') : 'true', params };
}

export interface AuditPage {
  records: AuditRecord[];
  /** Pass as `after` for the newer page; null on the newest. */
  newer: string | null;
  /** Pass as `before` for the older page; null on the oldest. */
  older: string | null;
}

export const AUDIT_PAGE_SIZE = 50;
const CURSOR = /^[0-9]{1,19}$/;

/** One page of the records matching the criteria, newest first; `before`/`after` are cursors of a page. */
export async function searchAudit(
  db: Queryable,
  criteria: AuditCriteria,
  o: { before?: string; after?: string; limit?: number } = {},
): Promise<AuditPage> {
  const limit = o.limit ?? AUDIT_PAGE_SIZE;
  const { sql, params } = where(criteria);
  const after = o.after && CURSOR.test(o.after) ? o.after : undefined;
  const before = !after && o.before && CURSOR.test(o.before) ? o.before : undefined;
  const n = params.length;
  let rows: Row[];
  if (after) {
    rows = await db.query<Row>(
      `SELECT ${COLUMNS} FROM audit_events WHERE ${sql} AND id > $${n + 1} ORDER BY audit_events.id ASC LIMIT ${limit + 1}`,
      [...params, after],
    );
    rows = rows.slice(0, limit).reverse();
  } else {
    rows = await db.query<Row>(
      `SELECT ${COLUMNS} FROM audit_events WHERE ${sql}${before ? ` AND id < $${n + 1}` : ''}
       ORDER BY audit_events.id DESC LIMIT ${limit + 1}`,
      before ? [...params, before] : params,
    );
    rows = rows.slice(0, limit);
  }
  const exists = async (op: '<' | '>', id: string) =>
    (
      await db.query(`SELECT 1 FROM audit_events WHERE ${sql} AND id ${op} $${n + 1} LIMIT 1`, [
        ...params,
        id,
      ])
    ).length > 0;
  const records = rows.map(toRecord);
  const first = records[0]?.id;
  const last = records.at(-1)?.id;
  return {
    records,
    newer: first !== undefined && (await exists('>', first)) ? first : null,
    older: last !== undefined && (await exists('<', last)) ? last : null,
  };
}

/** A zorgapplicatie's last logins (the broker's `login` records, successes and refusals), newest first. */
export async function lastLogins(db: Queryable, clientId: string, limit = 20): Promise<AuditRecord[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM audit_events WHERE client_id = $1 AND action = 'login'
     ORDER BY audit_events.id DESC LIMIT ${Math.max(1, Math.min(limit, 200))}`,
    [clientId],
  );
  return rows.map(toRecord);
}

// --- CSV ------------------------------------------------------------------------------------------

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'actor',
  'actor_kind',
  'abonnee_nummer',
  'action',
  'target',
  'client_id',
  'outcome',
  'detail',
] as const;

/**
 * One CSV cell (RFC 4180, always quoted). A value a spreadsheet would take for a formula (starting
 * with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so that opening the export
 * never runs what someone typed into a field that reached the trail (OWASP "CSV injection").
 */
export function csvCell(value: string | null): string {
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

function csvLine(r: AuditRecord): string {
  return [
    r.seq,
    formatAmsterdam(r.at.getTime()),
    r.actor,
    r.actorKind,
    r.abonneeNummer,
    r.action,
    r.target,
    r.clientId,
    r.outcome,
    JSON.stringify(r.detail),
  ]
    .map(csvCell)
    .join(',');
}

/**
 * The search as CSV, newest first, line by line (each ends in CRLF), read in batches: memory stays
 * flat however long the period. Starts with a UTF-8 byte order mark so that spreadsheets read names
 * with accents right.
 */
export async function* auditCsv(
  db: Queryable,
  criteria: AuditCriteria,
  batch = 1000,
): AsyncGenerator<string> {
  yield `\uFEFF${AUDIT_CSV_COLUMNS.map(csvCell).join(',')}\r\n`;
  let before: string | undefined;
  for (;;) {
    const { sql, params } = where(criteria);
    const n = params.length;
    const rows = await db.query<Row>(
      `SELECT ${COLUMNS} FROM audit_events WHERE ${sql}${before ? ` AND id < $${n + 1}` : ''}
       ORDER BY audit_events.id DESC LIMIT ${batch}`,
      before ? [...params, before] : params,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => `${csvLine(toRecord(r))}\r\n`).join('');
    if (rows.length < batch) return;
    before = rows.at(-1)!.id;
  }
}
