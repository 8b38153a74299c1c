// Authorisations an employment holds besides logging in. 'abonnee-beheer': the person administers
// the abonnee's employments (abonnee portal, REST API with their access token).
import type { Queryable } from '../db/database.ts';
import type { Abonnee, Status } from '../register/register.ts';

export const ADMIN = 'abonnee-beheer';

/** The active abonnees this person administers through an active employment. */
export async function administeredAbonnees(db: Queryable, personId: string): Promise<Abonnee[]> {
  const rows = await db.query<{ id: string; abonnee_nummer: string; naam: string; status: Status }>(
    `SELECT DISTINCT a.id, a.abonnee_nummer, a.naam, a.status
     FROM employment_authorisations z
     JOIN employments e ON e.id = z.employment_id
     JOIN abonnees a ON a.id = e.abonnee_id
     WHERE e.person_id = $1 AND z.authorisation = $2 AND a.status = 'active'
       AND e.start_date <= current_date AND (e.end_date IS NULL OR e.end_date > current_date)
     ORDER BY a.naam`,
    [personId, ADMIN],
  );
  return rows.map((r) => ({ id: r.id, abonneeNummer: r.abonnee_nummer, naam: r.naam, status: r.status }));
}

/** Grants the administrator authorisation to an employment (idempotent). */
export async function grantAdmin(db: Queryable, employmentId: string): Promise<void> {
  await db.query(
    'INSERT INTO employment_authorisations (employment_id, authorisation) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [employmentId, ADMIN],
  );
}

/** The proeftuin's administrators: their employment at that abonnee gets the authorisation. */
export async function seedAdmins(
  db: Queryable,
  admins: { deziNummer: string; abonneeNummer: string }[],
): Promise<void> {
  for (const a of admins) {
    await db.query(
      `INSERT INTO employment_authorisations (employment_id, authorisation)
       SELECT e.id, $3 FROM employments e JOIN persons p ON p.id = e.person_id JOIN abonnees a ON a.id = e.abonnee_id
       WHERE p.dezi_nummer = $1 AND a.abonnee_nummer = $2
       ON CONFLICT DO NOTHING`,
      [a.deziNummer, a.abonneeNummer, ADMIN],
    );
  }
}
