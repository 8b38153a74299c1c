// Finding persons and abonnees for the operator (beheer): by number, or by part of the name. Never by
// BSN: nine digits are a Dezi-nummer here, whatever else they might be.
import { ABONNEE_COLUMNS, toAbonnee, type AbonneeRow } from './abonnees.ts';
import type { RegisterContext } from './context.ts';
import { PERSON_COLUMNS, toPerson, type PersonRow } from './persons.ts';
import type { Abonnee, Person } from './types.ts';

/** How many a search returns at most: the operator narrows the search rather than pages. */
export const SEARCH_LIMIT = 50;

/** "%" and "_" typed by the operator are letters, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Persons by Dezi-nummer (nine digits) or by part of their name ("Vries", "de Vries"), by name. */
export async function searchPersons(c: RegisterContext, query: string): Promise<Person[]> {
  const q = query.trim();
  if (q === '') return [];
  if (/^[0-9]{9}$/.test(q)) {
    const rows = await c.db.query<PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM persons p WHERE dezi_nummer = $1`,
      [q],
    );
    return rows.map(toPerson);
  }
  const rows = await c.db.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM persons p
     WHERE concat_ws(' ', p.voorvoegsel, p.achternaam) ILIKE $1
        OR concat_ws(' ', p.voorletters, p.voorvoegsel, p.achternaam) ILIKE $1
     ORDER BY p.achternaam, p.voorletters, p.dezi_nummer LIMIT ${SEARCH_LIMIT}`,
    [likePattern(q)],
  );
  return rows.map(toPerson);
}

/** Abonnees by abonnee-nummer (URA, eight digits) or part of the name; without a query, the first by name. */
export async function searchAbonnees(c: RegisterContext, query: string): Promise<Abonnee[]> {
  const q = query.trim();
  if (/^[0-9]{8}$/.test(q)) {
    const rows = await c.db.query<AbonneeRow>(
      `SELECT ${ABONNEE_COLUMNS} FROM abonnees a WHERE abonnee_nummer = $1`,
      [q],
    );
    return rows.map(toAbonnee);
  }
  const rows = await c.db.query<AbonneeRow>(
    `SELECT ${ABONNEE_COLUMNS} FROM abonnees a WHERE a.naam ILIKE $1
     ORDER BY a.naam, a.abonnee_nummer LIMIT ${SEARCH_LIMIT}`,
    [likePattern(q)],
  );
  return rows.map(toAbonnee);
}
