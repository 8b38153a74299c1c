// Abonnees (zorgaanbieders), known by their abonnee-nummer (URA). Suspending or ending one
// invalidates every verklaring issued for it, in the same transaction.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { Actor } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { audit, MAX_NAME, validAgb, type RegisterContext } from './context.ts';
import { ConflictError, NotFoundError, RegisterError } from './errors.ts';
import { ABONNEE_STATUSES, type Abonnee, type AbonneeStatus, type NewAbonnee } from './types.ts';

export interface AbonneeRow {
  id: string;
  abonnee_nummer: string;
  naam: string;
  kvk: string | null;
  agb: string | null;
  status: AbonneeStatus;
}

/** The columns toAbonnee reads, from an abonnees table aliased a. */
export const ABONNEE_COLUMNS = 'a.id, a.abonnee_nummer, a.naam, a.kvk, a.agb, a.status';

export function toAbonnee(r: AbonneeRow): Abonnee {
  return {
    id: r.id,
    abonneeNummer: r.abonnee_nummer,
    naam: r.naam,
    kvk: r.kvk,
    agb: r.agb,
    status: r.status,
  };
}

export async function create(
  c: RegisterContext,
  a: NewAbonnee,
  actor: Actor,
  tx?: Queryable,
): Promise<Abonnee> {
  if (!/^[0-9]{8}$/.test(a.abonneeNummer)) throw new RegisterError('an abonnee-nummer (URA) has 8 digits');
  if (!/^[0-9]{8}$/.test(a.kvk ?? '')) throw new RegisterError('a KvK-nummer has 8 digits');
  const naam = a.naam?.trim() ?? '';
  if (naam === '' || naam.length > MAX_NAME) throw new RegisterError('an abonnee needs a name');
  const agb = validAgb(a.agb);
  const run = async (q: Queryable) => {
    const [row] = await q.query<AbonneeRow>(
      `INSERT INTO abonnees AS a (id, abonnee_nummer, naam, kvk, agb) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (abonnee_nummer) DO NOTHING RETURNING ${ABONNEE_COLUMNS}`,
      [randomUUID(), a.abonneeNummer, naam, a.kvk, agb],
    );
    if (!row) throw new ConflictError(`abonnee ${a.abonneeNummer} already exists`);
    await audit(q, actor, 'register.abonnee.create', `abonnee:${a.abonneeNummer}`);
    return toAbonnee(row);
  };
  return tx ? run(tx) : c.db.transaction(run);
}

export async function find(c: RegisterContext, abonneeNummer: string): Promise<Abonnee | null> {
  if (!/^[0-9]{8}$/.test(abonneeNummer)) return null;
  const [row] = await c.db.query<AbonneeRow>(
    `SELECT ${ABONNEE_COLUMNS} FROM abonnees a WHERE abonnee_nummer = $1`,
    [abonneeNummer],
  );
  return row ? toAbonnee(row) : null;
}

export async function get(q: Queryable, id: string): Promise<Abonnee | null> {
  if (!isUuid(id)) return null;
  const [row] = await q.query<AbonneeRow>(`SELECT ${ABONNEE_COLUMNS} FROM abonnees a WHERE id = $1`, [id]);
  return row ? toAbonnee(row) : null;
}

/** Changes an abonnee's name, KvK or AGB (not its number, not its status). */
export async function update(
  c: RegisterContext,
  abonneeId: string,
  changes: { naam?: string; kvk?: string; agb?: string | null },
  actor: Actor,
): Promise<Abonnee> {
  if (changes.kvk !== undefined && !/^[0-9]{8}$/.test(changes.kvk))
    throw new RegisterError('a KvK-nummer has 8 digits');
  const naam = changes.naam?.trim();
  if (naam !== undefined && (naam === '' || naam.length > MAX_NAME))
    throw new RegisterError('an abonnee needs a name');
  const agb = changes.agb === undefined ? undefined : validAgb(changes.agb);
  return c.db.transaction(async (tx) => {
    if (!isUuid(abonneeId)) throw new NotFoundError('abonnee');
    const [row] = await tx.query<AbonneeRow>(
      `UPDATE abonnees a SET naam = coalesce($2, naam), kvk = coalesce($3, kvk),
         agb = CASE WHEN $4::boolean THEN $5 ELSE agb END, updated_at = now()
       WHERE id = $1 RETURNING ${ABONNEE_COLUMNS}`,
      [abonneeId, naam ?? null, changes.kvk ?? null, agb !== undefined, agb ?? null],
    );
    if (!row) throw new NotFoundError('abonnee');
    await audit(tx, actor, 'register.abonnee.update', `abonnee:${row.abonnee_nummer}`, {
      fields: Object.keys(changes).join(','),
    });
    return toAbonnee(row);
  });
}

/** Suspending or ending an abonnee invalidates every verklaring issued for it at once. */
export async function setStatus(
  c: RegisterContext,
  abonneeId: string,
  status: AbonneeStatus,
  actor: Actor,
): Promise<Abonnee> {
  if (!ABONNEE_STATUSES.includes(status)) throw new RegisterError(`unknown abonnee status ${status}`);
  return c.db.transaction(async (tx) => {
    if (!isUuid(abonneeId)) throw new NotFoundError('abonnee');
    const [row] = await tx.query<AbonneeRow>(
      `SELECT ${ABONNEE_COLUMNS} FROM abonnees a WHERE id = $1 FOR UPDATE`,
      [abonneeId],
    );
    if (!row) throw new NotFoundError('abonnee');
    if (row.status === status) return toAbonnee(row);
    await tx.query('UPDATE abonnees SET status = $2, updated_at = now() WHERE id = $1', [abonneeId, status]);
    await audit(tx, actor, 'register.abonnee.set_status', `abonnee:${row.abonnee_nummer}`, {
      from: row.status,
      to: status,
    });
    if (status !== 'active') await c.invalidated(tx, { abonneeId }, `abonnee_${status}`, actor);
    return { ...toAbonnee(row), status };
  });
}

/** For the import: the ids of the abonnees with these numbers that have not ended (number → id). */
export async function openIdsByNummer(tx: Queryable, nummers: string[]): Promise<Map<string, string>> {
  const found = await tx.query<{ id: string; abonnee_nummer: string }>(
    `SELECT id, abonnee_nummer FROM abonnees WHERE abonnee_nummer = ANY($1::bpchar[]) AND status <> 'ended'`,
    [nummers],
  );
  return new Map(found.map((f) => [f.abonnee_nummer, f.id]));
}
