// Login means linked to a person: a means' subject (an OIDC sub, a Yivi attribute) that is not a BSN
// or an UZI-nummer names a person only through a link. A subject links to one person at most.
import { randomUUID } from 'node:crypto';
import { SYSTEM, type Actor } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { audit, type RegisterContext } from './context.ts';
import { ConflictError, NotFoundError, RegisterError } from './errors.ts';
import { lock as lockPerson, PERSON_COLUMNS, toPerson, type PersonRow } from './persons.ts';
import type { LinkedMeans, Person } from './types.ts';

interface LinkedMeansRow {
  id: string;
  means_id: string;
  subject: string;
  preferred: boolean;
  created_at: Date;
  last_used_at: Date | null;
}

function toLinkedMeans(r: LinkedMeansRow): LinkedMeans {
  return {
    id: r.id,
    meansId: r.means_id,
    subject: r.subject,
    preferred: r.preferred,
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  };
}

/** The person this means' subject is linked to, or null. */
export async function personOf(c: RegisterContext, meansId: string, subject: string): Promise<Person | null> {
  const [row] = await c.db.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM linked_means l
     JOIN persons p ON p.id = l.person_id WHERE l.means_id = $1 AND l.subject = $2`,
    [meansId, subject],
  );
  return row ? toPerson(row) : null;
}

/** The ids of the login means a person has linked (for offering alternatives when one is down). */
export async function meansIdsOf(c: RegisterContext, personId: string): Promise<string[]> {
  const rows = await c.db.query<{ means_id: string }>(
    'SELECT DISTINCT means_id FROM linked_means WHERE person_id = $1 ORDER BY means_id',
    [personId],
  );
  return rows.map((r) => r.means_id);
}

/** Links a means' subject to a person; a subject already linked to someone else is refused. */
export async function link(
  c: RegisterContext,
  personId: string,
  meansId: string,
  subject: string,
  actor: Actor = SYSTEM,
): Promise<LinkedMeans> {
  if (!meansId || !subject || subject.length > 512)
    throw new RegisterError('a means id and a subject are required');
  return c.db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    const [row] = await tx.query<LinkedMeansRow & { person_id: string }>(
      `INSERT INTO linked_means (id, person_id, means_id, subject) VALUES ($1, $2, $3, $4)
       ON CONFLICT (means_id, subject) DO UPDATE SET means_id = EXCLUDED.means_id
       RETURNING id, person_id, means_id, subject, preferred, created_at, last_used_at`,
      [randomUUID(), personId, meansId, subject],
    );
    if (row!.person_id !== personId) throw new ConflictError('this login means is linked to another person');
    await audit(tx, actor, 'register.means.link', `person:${person.deziNummer}`, { means: meansId });
    return toLinkedMeans(row!);
  });
}

export async function listOf(c: RegisterContext, personId: string): Promise<LinkedMeans[]> {
  if (!isUuid(personId)) return [];
  const rows = await c.db.query<LinkedMeansRow>(
    `SELECT id, means_id, subject, preferred, created_at, last_used_at FROM linked_means
     WHERE person_id = $1 ORDER BY created_at, id`,
    [personId],
  );
  return rows.map(toLinkedMeans);
}

export async function unlink(
  c: RegisterContext,
  personId: string,
  linkId: string,
  actor: Actor,
): Promise<void> {
  await c.db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!isUuid(linkId)) throw new NotFoundError('linked means');
    const rows = await tx.query<{ means_id: string }>(
      'DELETE FROM linked_means WHERE id = $1 AND person_id = $2 RETURNING means_id',
      [linkId, personId],
    );
    if (rows.length === 0) throw new NotFoundError('linked means');
    await audit(tx, actor, 'register.means.unlink', `person:${person.deziNummer}`, {
      means: rows[0]!.means_id,
    });
  });
}

/** Marks one linked means as preferred; the person's other links lose the mark. */
export async function setPreferred(
  c: RegisterContext,
  personId: string,
  linkId: string,
  actor: Actor,
): Promise<void> {
  await c.db.transaction(async (tx) => {
    const person = await lockPerson(tx, personId);
    if (!isUuid(linkId)) throw new NotFoundError('linked means');
    await tx.query(
      'UPDATE linked_means SET preferred = false WHERE person_id = $1 AND preferred AND id <> $2',
      [personId, linkId],
    );
    const rows = await tx.query<{ means_id: string }>(
      'UPDATE linked_means SET preferred = true WHERE id = $1 AND person_id = $2 RETURNING means_id',
      [linkId, personId],
    );
    if (rows.length === 0) throw new NotFoundError('linked means');
    await audit(tx, actor, 'register.means.set_preferred', `person:${person.deziNummer}`, {
      means: rows[0]!.means_id,
    });
  });
}
