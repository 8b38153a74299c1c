// The Dezi-register (first slice): persons, abonnees, employments. Other modules reach it only
// through these functions. The BSN is stored sealed and found through a keyed blind index.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import type { Secrets } from '../secrets.ts';
import type { MeansSubject } from '../means/means.ts';
import { Bsn } from './bsn.ts';
import { roleByCode, ROLE_SOURCE_URI, type RoleSource } from './roles.ts';

export type Status = 'active' | 'suspended' | 'ended';

export interface Person {
  id: string;
  deziNummer: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
  loaDezi: string;
  status: Status;
}

export interface Abonnee {
  id: string;
  abonneeNummer: string;
  naam: string;
  status: Status;
}

export interface Employment {
  id: string;
  personId: string;
  abonnee: Abonnee;
  rolCode: string | null;
  rolNaam: string | null;
  rolCodeBron: string | null;
}

export class RegisterError extends Error {
  override name = 'RegisterError';
}

interface PersonRow {
  id: string;
  dezi_nummer: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
  loa_dezi: string;
  status: Status;
}

interface EmploymentRow {
  id: string;
  person_id: string;
  rol_code: string | null;
  rol_code_bron: RoleSource | null;
  abonnee_id: string;
  abonnee_nummer: string;
  abonnee_naam: string;
  abonnee_status: Status;
}

const PERSON_COLUMNS = 'id, dezi_nummer, voorletters, voorvoegsel, achternaam, loa_dezi, status';

function toPerson(r: PersonRow): Person {
  return {
    id: r.id,
    deziNummer: r.dezi_nummer,
    voorletters: r.voorletters,
    voorvoegsel: r.voorvoegsel,
    achternaam: r.achternaam,
    loaDezi: r.loa_dezi,
    status: r.status,
  };
}

function toEmployment(r: EmploymentRow): Employment {
  const role = r.rol_code ? roleByCode(r.rol_code) : undefined;
  return {
    id: r.id,
    personId: r.person_id,
    abonnee: {
      id: r.abonnee_id,
      abonneeNummer: r.abonnee_nummer,
      naam: r.abonnee_naam,
      status: r.abonnee_status,
    },
    rolCode: r.rol_code,
    // A code missing from the table is a data error; it is shown as the code rather than hidden.
    rolNaam: r.rol_code ? (role?.naam ?? r.rol_code) : null,
    rolCodeBron: r.rol_code_bron ? ROLE_SOURCE_URI[r.rol_code_bron] : null,
  };
}

const EMPLOYMENT_SELECT = `
  SELECT e.id, e.person_id, e.rol_code, e.rol_code_bron,
         a.id AS abonnee_id, a.abonnee_nummer, a.naam AS abonnee_naam, a.status AS abonnee_status
  FROM employments e JOIN abonnees a ON a.id = e.abonnee_id`;

const EMPLOYMENT_IS_ACTIVE = `a.status = 'active' AND e.start_date <= current_date
  AND (e.end_date IS NULL OR e.end_date > current_date)`;

export interface NewPerson {
  bsn: Bsn;
  deziNummer: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
  loaDezi: string;
}

export class Register {
  readonly #db: Database;
  readonly #secrets: Secrets;

  constructor(db: Database, secrets: Secrets) {
    this.#db = db;
    this.#secrets = secrets;
  }

  #bsnIndex(bsn: Bsn): string {
    return this.#secrets.hmac('bsn-blind-index', bsn.reveal());
  }

  async findPersonByBsn(bsn: Bsn): Promise<Person | null> {
    const [row] = await this.#db.query<PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM persons WHERE bsn_index = $1`,
      [this.#bsnIndex(bsn)],
    );
    return row ? toPerson(row) : null;
  }

  /**
   * The person a login means' subject belongs to. A UZI-nummer is the Dezi-nummer (UZI-nummers carry
   * over into the register); any other subject must have been linked to a person first.
   */
  async findPersonBySubject(subject: MeansSubject): Promise<Person | null> {
    switch (subject.kind) {
      case 'bsn':
        return this.findPersonByBsn(subject.bsn);
      case 'uzi-nummer': {
        const [row] = await this.#db.query<PersonRow>(
          `SELECT ${PERSON_COLUMNS} FROM persons WHERE dezi_nummer = $1`,
          [subject.uziNummer],
        );
        return row ? toPerson(row) : null;
      }
      case 'linked': {
        const [row] = await this.#db.query<PersonRow>(
          `SELECT p.id, p.dezi_nummer, p.voorletters, p.voorvoegsel, p.achternaam, p.loa_dezi, p.status
           FROM linked_means l
           JOIN persons p ON p.id = l.person_id WHERE l.means_id = $1 AND l.subject = $2`,
          [subject.meansId, subject.subject],
        );
        return row ? toPerson(row) : null;
      }
    }
  }

  /** The ids of the login means a person has linked (for offering alternatives when one is down). */
  async linkedMeansIds(personId: string): Promise<string[]> {
    const rows = await this.#db.query<{ means_id: string }>(
      'SELECT DISTINCT means_id FROM linked_means WHERE person_id = $1 ORDER BY means_id',
      [personId],
    );
    return rows.map((r) => r.means_id);
  }

  /** Links a means' subject to a person; a subject already linked to someone else is refused. */
  async linkMeans(personId: string, meansId: string, subject: string): Promise<void> {
    const rows = await this.#db.query<{ person_id: string }>(
      `INSERT INTO linked_means (id, person_id, means_id, subject) VALUES ($1, $2, $3, $4)
       ON CONFLICT (means_id, subject) DO UPDATE SET means_id = EXCLUDED.means_id RETURNING person_id`,
      [randomUUID(), personId, meansId, subject],
    );
    if (rows[0]?.person_id !== personId)
      throw new RegisterError('this login means is linked to another person');
  }

  async getPerson(id: string): Promise<Person | null> {
    const [row] = await this.#db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons WHERE id = $1`, [
      id,
    ]);
    return row ? toPerson(row) : null;
  }

  /** Employments that may be used to log in today: started, not ended, at an active abonnee. */
  async activeEmployments(personId: string): Promise<Employment[]> {
    const rows = await this.#db.query<EmploymentRow>(
      `${EMPLOYMENT_SELECT} WHERE e.person_id = $1 AND ${EMPLOYMENT_IS_ACTIVE}
       ORDER BY a.naam, e.rol_code NULLS LAST`,
      [personId],
    );
    return rows.map(toEmployment);
  }

  /** The employment if it belongs to the person and is active; null otherwise. */
  async activeEmployment(personId: string, employmentId: string): Promise<Employment | null> {
    if (!isUuid(employmentId)) return null;
    const [row] = await this.#db.query<EmploymentRow>(
      `${EMPLOYMENT_SELECT} WHERE e.id = $1 AND e.person_id = $2 AND ${EMPLOYMENT_IS_ACTIVE}`,
      [employmentId, personId],
    );
    return row ? toEmployment(row) : null;
  }

  async createPerson(p: NewPerson, tx: Queryable = this.#db): Promise<Person> {
    const id = randomUUID();
    const sealed = this.#secrets.encrypt('bsn-encryption', Buffer.from(p.bsn.reveal()), id);
    const [row] = await tx.query<PersonRow>(
      `INSERT INTO persons (id, dezi_nummer, bsn_index, bsn_sealed, bsn_key_id, voorletters, voorvoegsel, achternaam, loa_dezi)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${PERSON_COLUMNS}`,
      [
        id,
        p.deziNummer,
        this.#bsnIndex(p.bsn),
        sealed,
        this.#secrets.keyId,
        p.voorletters,
        p.voorvoegsel,
        p.achternaam,
        p.loaDezi,
      ],
    );
    return toPerson(row!);
  }

  async createAbonnee(
    a: { abonneeNummer: string; naam: string },
    tx: Queryable = this.#db,
  ): Promise<Abonnee> {
    const id = randomUUID();
    await tx.query('INSERT INTO abonnees (id, abonnee_nummer, naam) VALUES ($1, $2, $3)', [
      id,
      a.abonneeNummer,
      a.naam,
    ]);
    return { id, abonneeNummer: a.abonneeNummer, naam: a.naam, status: 'active' };
  }

  async findAbonnee(abonneeNummer: string): Promise<Abonnee | null> {
    const [row] = await this.#db.query<{ id: string; abonnee_nummer: string; naam: string; status: Status }>(
      'SELECT id, abonnee_nummer, naam, status FROM abonnees WHERE abonnee_nummer = $1',
      [abonneeNummer],
    );
    return row ? { id: row.id, abonneeNummer: row.abonnee_nummer, naam: row.naam, status: row.status } : null;
  }

  async createEmployment(
    e: { personId: string; abonneeId: string; rolCode: string | null; rolCodeBron: RoleSource | null },
    tx: Queryable = this.#db,
  ): Promise<string> {
    if (e.rolCode !== null && !roleByCode(e.rolCode))
      throw new RegisterError(`unknown role code ${e.rolCode}`);
    if ((e.rolCode === null) !== (e.rolCodeBron === null)) {
      throw new RegisterError('a role code needs a role source, and no role code has none');
    }
    const id = randomUUID();
    await tx.query(
      'INSERT INTO employments (id, person_id, abonnee_id, rol_code, rol_code_bron) VALUES ($1, $2, $3, $4, $5)',
      [id, e.personId, e.abonneeId, e.rolCode, e.rolCodeBron],
    );
    return id;
  }

  /** A person with their employments, all or nothing. */
  async enrol(
    p: NewPerson & { status?: Status },
    employments: { abonneeId: string; rolCode: string | null; rolCodeBron: RoleSource | null }[],
  ): Promise<Person> {
    return this.#db.transaction(async (tx) => {
      const person = await this.createPerson(p, tx);
      for (const e of employments) await this.createEmployment({ personId: person.id, ...e }, tx);
      if (p.status && p.status !== 'active') {
        await tx.query('UPDATE persons SET status = $2 WHERE id = $1', [person.id, p.status]);
        return { ...person, status: p.status };
      }
      return person;
    });
  }

  async setPersonStatus(personId: string, status: Status): Promise<void> {
    await this.#db.query('UPDATE persons SET status = $2 WHERE id = $1', [personId, status]);
  }

  async endEmployment(employmentId: string): Promise<void> {
    await this.#db.query('UPDATE employments SET end_date = current_date WHERE id = $1', [employmentId]);
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
