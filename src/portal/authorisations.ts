// Who administers an abonnee in the portal and through the API: a person listed in the register's
// abonnee_administrators who also holds an active employment there, at an active abonnee. Ending
// the employment ends the administration with it, at once.
import type { Queryable } from '../db/database.ts';
import { SYSTEM } from '../audit/audit.ts';
import type { Abonnee, AbonneeStatus, Register } from '../register/register.ts';

/** The SQL condition, written once: person $1 administers abonnee a (alias) today. */
export const ADMINISTERS = `EXISTS (SELECT 1 FROM abonnee_administrators x WHERE x.abonnee_id = a.id AND x.person_id = e.person_id)
  AND a.status = 'active' AND e.start_date <= current_date AND (e.end_date IS NULL OR e.end_date > current_date)`;

/** The active abonnees this person administers through an active employment. */
export async function administeredAbonnees(db: Queryable, personId: string): Promise<Abonnee[]> {
  const rows = await db.query<{
    id: string;
    abonnee_nummer: string;
    naam: string;
    kvk: string | null;
    agb: string | null;
    status: AbonneeStatus;
  }>(
    `SELECT DISTINCT a.id, a.abonnee_nummer, a.naam, a.kvk, a.agb, a.status
     FROM employments e JOIN abonnees a ON a.id = e.abonnee_id
     JOIN persons p ON p.id = e.person_id
     WHERE e.person_id = $1 AND p.status = 'active' AND ${ADMINISTERS}
     ORDER BY a.naam`,
    [personId],
  );
  return rows.map((r) => ({
    id: r.id,
    abonneeNummer: r.abonnee_nummer,
    naam: r.naam,
    kvk: r.kvk,
    agb: r.agb,
    status: r.status,
  }));
}

/** The proeftuin's administrators (idempotent: every start may run it). */
export async function seedAdmins(
  register: Register,
  admins: { deziNummer: string; abonneeNummer: string }[],
): Promise<void> {
  for (const a of admins) {
    const [person, abonnee] = await Promise.all([
      register.findPersonByDeziNummer(a.deziNummer),
      register.findAbonnee(a.abonneeNummer),
    ]);
    if (!person || !abonnee || (await register.isAbonneeAdministrator(abonnee.id, person.id))) continue;
    await register.addAbonneeAdministrator(abonnee.id, person.id, SYSTEM);
  }
}
