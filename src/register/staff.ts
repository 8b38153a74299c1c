// An abonnee's staff as its administrators page through it: every employment with its person,
// searched by name or Dezi-nummer, sorted, one page at a time, with the administrators marked.
// Done in the database, so that an abonnee with thousands of employments costs one page's rows.
import { isUuid } from '../ids.ts';
import type { RegisterContext } from './context.ts';
import { EMPLOYMENT_SELECT, toEmployment, type EmploymentRow } from './employments.ts';
import type { Employment, Name } from './types.ts';

export const STAFF_SORTS = ['naam', 'dezi-nummer', 'rol', 'begin', 'status'] as const;
export type StaffSort = (typeof STAFF_SORTS)[number];

export interface StaffQuery {
  /** Part of a name, or the start of a Dezi-nummer; empty: everyone. */
  search?: string;
  sort?: StaffSort;
  descending?: boolean;
  limit: number;
  offset: number;
}

export interface StaffMember {
  employment: Employment;
  person: Name & { id: string; deziNummer: string };
  /** Appointed administrator of this abonnee (whether or not the rule holds for them today). */
  administrator: boolean;
}

export interface StaffPage {
  members: StaffMember[];
  /** Employments matching the search, over all pages. */
  total: number;
}

const ORDER: Record<StaffSort, string> = {
  naam: 'p.achternaam, p.voorletters, p.dezi_nummer',
  'dezi-nummer': 'p.dezi_nummer',
  rol: 's.rol_code',
  begin: 's.start_date',
  // Active first, then those not begun, then the ended ones.
  status: "CASE s.status WHEN 'active' THEN 0 WHEN 'future' THEN 1 ELSE 2 END",
};

/** LIKE's wildcards typed by a person are searched for, not matched with. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function staffOf(c: RegisterContext, abonneeId: string, q: StaffQuery): Promise<StaffPage> {
  if (!isUuid(abonneeId)) return { members: [], total: 0 };
  const search = q.search?.trim().toLowerCase().slice(0, 100) || null;
  const direction = q.descending ? 'DESC' : 'ASC';
  const order = ORDER[q.sort ?? 'naam']
    .split(', ')
    .map((column) => `${column} ${direction}${column === 's.rol_code' ? ' NULLS LAST' : ''}`)
    .join(', ');
  const rows = await c.db.query<
    EmploymentRow & {
      p_dezi_nummer: string;
      p_voorletters: string;
      p_voorvoegsel: string | null;
      p_achternaam: string;
      administrator: boolean;
      total: number;
    }
  >(
    `SELECT s.*, p.dezi_nummer AS p_dezi_nummer, p.voorletters AS p_voorletters,
            p.voorvoegsel AS p_voorvoegsel, p.achternaam AS p_achternaam,
            (x.person_id IS NOT NULL) AS administrator, count(*) OVER ()::int AS total
     FROM (${EMPLOYMENT_SELECT} WHERE e.abonnee_id = $1) s
     JOIN persons p ON p.id = s.person_id
     LEFT JOIN abonnee_administrators x ON x.abonnee_id = s.abonnee_id AND x.person_id = s.person_id
     WHERE $2::text IS NULL OR p.dezi_nummer LIKE $3 || '%'
        OR lower(concat_ws(' ', p.voorletters, p.voorvoegsel, p.achternaam)) LIKE '%' || $3 || '%' ESCAPE '\\'
     ORDER BY ${order}, s.id
     LIMIT $4 OFFSET $5`,
    [abonneeId, search, search === null ? null : likeLiteral(search), q.limit, q.offset],
  );
  let total = rows[0]?.total;
  if (total === undefined && q.offset > 0)
    total = (await staffOf(c, abonneeId, { ...q, offset: 0, limit: 1 })).total;
  return {
    total: Number(total ?? 0),
    members: rows.map((r) => ({
      employment: toEmployment(r),
      person: {
        id: r.person_id,
        deziNummer: r.p_dezi_nummer,
        voorletters: r.p_voorletters,
        voorvoegsel: r.p_voorvoegsel,
        achternaam: r.p_achternaam,
      },
      administrator: r.administrator === true,
    })),
  };
}
