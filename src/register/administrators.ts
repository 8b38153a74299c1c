// Who administers an abonnee, for the abonnee portal and the REST API alike. The rule, written once:
// a person appointed in abonnee_administrators administers the abonnee today only while the person
// is active, the abonnee is active, and the person holds an active employment there. Ending the
// employment (or suspending either side) ends the administration with it, at once; the appointment
// itself stays, so a new employment restores it.
import type { Actor } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { ABONNEE_COLUMNS, get as getAbonnee, toAbonnee, type AbonneeRow } from './abonnees.ts';
import { audit, type RegisterContext } from './context.ts';
import { NotFoundError } from './errors.ts';
import { lock as lockPerson, PERSON_COLUMNS, toPerson, type PersonRow } from './persons.ts';
import type { Abonnee, Person } from './types.ts';

/**
 * The rule as one self-contained query: every (employment, its person, its abonnee) through which
 * that person administers that abonnee today. Callers filter on its output columns only.
 */
const ADMINISTERING = `
  SELECT e.id AS employment_id, e.person_id, p.dezi_nummer, ${ABONNEE_COLUMNS}
  FROM abonnee_administrators x
  JOIN persons p ON p.id = x.person_id
  JOIN abonnees a ON a.id = x.abonnee_id
  JOIN employments e ON e.person_id = x.person_id AND e.abonnee_id = x.abonnee_id
  WHERE p.status = 'active' AND a.status = 'active'
    AND e.start_date <= current_date AND (e.end_date IS NULL OR e.end_date > current_date)`;

/** Whether the person administers the abonnee today (see the rule above). */
export async function administers(c: RegisterContext, abonneeId: string, personId: string): Promise<boolean> {
  if (!isUuid(abonneeId) || !isUuid(personId)) return false;
  const rows = await c.db.query(
    `SELECT 1 FROM (${ADMINISTERING}) r WHERE r.id = $1 AND r.person_id = $2 LIMIT 1`,
    [abonneeId, personId],
  );
  return rows.length === 1;
}

/** The abonnees the person administers today, by name. */
export async function administeredBy(c: RegisterContext, personId: string): Promise<Abonnee[]> {
  if (!isUuid(personId)) return [];
  const rows = await c.db.query<AbonneeRow>(
    `SELECT DISTINCT r.id, r.abonnee_nummer, r.naam, r.kvk, r.agb, r.status
     FROM (${ADMINISTERING}) r WHERE r.person_id = $1 ORDER BY r.naam, r.abonnee_nummer`,
    [personId],
  );
  return rows.map(toAbonnee);
}

/**
 * The abonnee the person administers through this one employment (the one chosen at login), with
 * the person's Dezi-nummer; null when the rule does not hold for it today.
 */
export async function administeredThrough(
  c: RegisterContext,
  personId: string,
  employmentId: string,
): Promise<{ abonnee: Abonnee; deziNummer: string } | null> {
  if (!isUuid(personId) || !isUuid(employmentId)) return null;
  const [row] = await c.db.query<AbonneeRow & { dezi_nummer: string }>(
    `SELECT r.id, r.abonnee_nummer, r.naam, r.kvk, r.agb, r.status, r.dezi_nummer
     FROM (${ADMINISTERING}) r WHERE r.person_id = $1 AND r.employment_id = $2`,
    [personId, employmentId],
  );
  return row ? { abonnee: toAbonnee(row), deziNummer: row.dezi_nummer } : null;
}

/** The persons appointed for the abonnee, whether or not the rule holds for them today. */
export async function appointed(c: RegisterContext, abonneeId: string): Promise<Person[]> {
  if (!isUuid(abonneeId)) return [];
  const rows = await c.db.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM abonnee_administrators x JOIN persons p ON p.id = x.person_id
     WHERE x.abonnee_id = $1 ORDER BY p.achternaam, p.dezi_nummer`,
    [abonneeId],
  );
  return rows.map(toPerson);
}

export async function appoint(
  c: RegisterContext,
  abonneeId: string,
  personId: string,
  actor: Actor,
): Promise<void> {
  await c.db.transaction(async (tx) => {
    const abonnee = await getAbonnee(tx, abonneeId);
    if (!abonnee) throw new NotFoundError('abonnee');
    const person = await lockPerson(tx, personId);
    await tx.query(
      'INSERT INTO abonnee_administrators (abonnee_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [abonneeId, personId],
    );
    await audit(tx, actor, 'register.abonnee.add_administrator', `abonnee:${abonnee.abonneeNummer}`, {
      dezi_nummer: person.deziNummer,
    });
  });
}

export async function dismiss(
  c: RegisterContext,
  abonneeId: string,
  personId: string,
  actor: Actor,
): Promise<void> {
  await c.db.transaction(async (tx) => {
    const abonnee = await getAbonnee(tx, abonneeId);
    if (!abonnee || !isUuid(personId)) throw new NotFoundError('administrator');
    const rows = await tx.query(
      'DELETE FROM abonnee_administrators WHERE abonnee_id = $1 AND person_id = $2 RETURNING person_id',
      [abonneeId, personId],
    );
    if (rows.length === 0) throw new NotFoundError('administrator');
    await audit(tx, actor, 'register.abonnee.remove_administrator', `abonnee:${abonnee.abonneeNummer}`, {
      person_id: personId,
    });
  });
}
