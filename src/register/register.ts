// The Dezi-register: persons (zorgmedewerkers), abonnees (zorgaanbieders), employments (koppelingen)
// and linked login means. Other modules reach it only through this class. The BSN is stored sealed
// (AES-256-GCM) and found through a keyed blind index (HMAC-SHA-256). Every write is audited in the
// same transaction, and every change that makes a verklaring untrue revokes it in that transaction.
import { randomUUID } from 'node:crypto';
import { withinTransaction, type Database, type Queryable, type Transaction } from '../db/database.ts';
import type { Secrets } from '../secrets.ts';
import type { MeansSubject } from '../means/means.ts';
import { isLoa } from '../means/loa.ts';
import { describeActor, recordAudit, SYSTEM, type Actor } from '../audit/audit.ts';
import { revokeVerklaringen } from '../verklaring/verklaring.ts';
import { Bsn } from '../means/bsn.ts';
import { beroepOf, roleByCode, ROLE_SOURCE_URI, type Role, type RoleSource } from './roles.ts';
import { BigRegisterError, FileBigRegister, holdsBigRole, type BigRegister } from './big.ts';

export type PersonStatus = 'active' | 'suspended' | 'deceased' | 'ended';
export type AbonneeStatus = 'active' | 'suspended' | 'ended';
/** @deprecated use PersonStatus or AbonneeStatus */
export type Status = PersonStatus;
export type EmploymentStatus = 'active' | 'future' | 'ended';

export const PERSON_STATUSES: readonly PersonStatus[] = ['active', 'suspended', 'deceased', 'ended'];
export const ABONNEE_STATUSES: readonly AbonneeStatus[] = ['active', 'suspended', 'ended'];

export interface Name {
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
}

export interface Person extends Name {
  id: string;
  deziNummer: string;
  loaDezi: string;
  status: PersonStatus;
}

export interface Abonnee {
  id: string;
  abonneeNummer: string;
  naam: string;
  kvk: string | null;
  agb: string | null;
  status: AbonneeStatus;
}

export interface Employment {
  id: string;
  personId: string;
  abonnee: Abonnee;
  rolCode: string | null;
  rolNaam: string | null;
  /** The role source as the verklaring states it (a URI), or null without a role. */
  rolCodeBron: string | null;
  roleSource: RoleSource | null;
  startDate: string; // YYYY-MM-DD
  /** The first day the person no longer works there (exclusive), or null. */
  endDate: string | null;
  agb: string | null;
  /** By its dates alone; login also needs an active person and an active abonnee. */
  status: EmploymentStatus;
}

export interface LinkedMeans {
  id: string;
  meansId: string;
  subject: string;
  preferred: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface NameHistoryEntry extends Name {
  /** When this name was replaced; null for the current name. */
  until: Date | null;
  changedBy: string | null;
}

/** A register rule refused the request; `code` lets the REST API map it to a status. */
export class RegisterError extends Error {
  override name = 'RegisterError';
  readonly code: 'invalid' | 'not_found' | 'conflict' | 'forbidden';
  constructor(message: string, code: RegisterError['code'] = 'invalid') {
    super(message);
    this.code = code;
  }
}

/**
 * A BIG role the person does not hold in the BIG-register (`not_registered`), or a BIG-register that
 * cannot be asked (`unavailable`). Code `forbidden`, as every BIG refusal; the portals and the API
 * recognise this class to say why.
 */
export class BigRoleError extends RegisterError {
  override name = 'BigRoleError';
  readonly reason: 'not_registered' | 'unavailable';
  readonly deziNummer: string;
  readonly role: Role;
  constructor(message: string, reason: BigRoleError['reason'], deziNummer: string, role: Role) {
    super(message, 'forbidden');
    this.reason = reason;
    this.deziNummer = deziNummer;
    this.role = role;
  }
}

export class NotFoundError extends RegisterError {
  override name = 'NotFoundError';
  constructor(what: string) {
    super(`${what} not found`, 'not_found');
  }
}

export class ConflictError extends RegisterError {
  override name = 'ConflictError';
  constructor(message: string) {
    super(message, 'conflict');
  }
}

interface PersonRow {
  id: string;
  dezi_nummer: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
  loa_dezi: string;
  status: PersonStatus;
}

interface AbonneeRow {
  id: string;
  abonnee_nummer: string;
  naam: string;
  kvk: string | null;
  agb: string | null;
  status: AbonneeStatus;
}

interface EmploymentRow {
  id: string;
  person_id: string;
  rol_code: string | null;
  rol_code_bron: RoleSource | null;
  start_date: string;
  end_date: string | null;
  agb: string | null;
  status: EmploymentStatus;
  abonnee_id: string;
  abonnee_nummer: string;
  abonnee_naam: string;
  abonnee_kvk: string | null;
  abonnee_agb: string | null;
  abonnee_status: AbonneeStatus;
}

const PERSON_COLUMNS =
  'p.id, p.dezi_nummer, p.voorletters, p.voorvoegsel, p.achternaam, p.loa_dezi, p.status';
const ABONNEE_COLUMNS = 'id, abonnee_nummer, naam, kvk, agb, status';

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

function toAbonnee(r: AbonneeRow): Abonnee {
  return {
    id: r.id,
    abonneeNummer: r.abonnee_nummer,
    naam: r.naam,
    kvk: r.kvk,
    agb: r.agb,
    status: r.status,
  };
}

function toEmployment(r: EmploymentRow): Employment {
  const role = r.rol_code ? roleByCode(r.rol_code) : undefined;
  return {
    id: r.id,
    personId: r.person_id,
    abonnee: toAbonnee({
      id: r.abonnee_id,
      abonnee_nummer: r.abonnee_nummer,
      naam: r.abonnee_naam,
      kvk: r.abonnee_kvk,
      agb: r.abonnee_agb,
      status: r.abonnee_status,
    }),
    rolCode: r.rol_code,
    // A code missing from the table is a data error; it is shown as the code rather than hidden.
    rolNaam: r.rol_code ? (role?.naam ?? r.rol_code) : null,
    rolCodeBron: r.rol_code_bron ? ROLE_SOURCE_URI[r.rol_code_bron] : null,
    roleSource: r.rol_code_bron,
    startDate: r.start_date,
    endDate: r.end_date,
    agb: r.agb,
    status: r.status,
  };
}

const EMPLOYMENT_SELECT = `
  SELECT e.id, e.person_id, e.rol_code, e.rol_code_bron, e.agb,
         to_char(e.start_date, 'YYYY-MM-DD') AS start_date, to_char(e.end_date, 'YYYY-MM-DD') AS end_date,
         CASE WHEN e.end_date IS NOT NULL AND e.end_date <= current_date THEN 'ended'
              WHEN e.start_date > current_date THEN 'future' ELSE 'active' END AS status,
         a.id AS abonnee_id, a.abonnee_nummer, a.naam AS abonnee_naam, a.kvk AS abonnee_kvk,
         a.agb AS abonnee_agb, a.status AS abonnee_status
  FROM employments e JOIN abonnees a ON a.id = e.abonnee_id`;

const EMPLOYMENT_IS_ACTIVE = `a.status = 'active' AND e.start_date <= current_date
  AND (e.end_date IS NULL OR e.end_date > current_date)`;

export interface NewPerson extends Name {
  bsn: Bsn;
  /** An existing UZI-nummer carried over; registerPerson allocates one instead. */
  deziNummer: string;
  loaDezi: string;
}

export interface PersonRegistration extends Name {
  bsn: Bsn;
  loaDezi: string;
}

export interface NewAbonnee {
  abonneeNummer: string;
  naam: string;
  kvk: string;
  agb?: string | null;
}

export interface NewEmployment {
  personId: string;
  abonneeId: string;
  rolCode: string | null;
  rolCodeBron: RoleSource | null;
  startDate?: string;
  endDate?: string | null;
  agb?: string | null;
  /** Bulk import only: makes the insert idempotent. */
  importKey?: string;
}

const MAX_NAME = 200;

function validName(n: Name): Name {
  const voorletters = n.voorletters?.trim() ?? '';
  const achternaam = n.achternaam?.trim() ?? '';
  const voorvoegsel = n.voorvoegsel?.trim() || null;
  if (voorletters === '' || achternaam === '')
    throw new RegisterError('voorletters and achternaam are required');
  for (const part of [voorletters, achternaam, voorvoegsel ?? ''])
    if (part.length > MAX_NAME || /\p{Cc}/u.test(part))
      throw new RegisterError(
        `a name part is longer than ${MAX_NAME} characters or holds control characters`,
      );
  return { voorletters, voorvoegsel, achternaam };
}

function validDate(value: string, what: string): string {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new RegisterError(`${what} must be a date YYYY-MM-DD`);
  if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)
    throw new RegisterError(`${what} is not a calendar date`);
  return value;
}

function validAgb(agb: string | null | undefined): string | null {
  if (agb === undefined || agb === null || agb === '') return null;
  if (!/^[0-9]{8}$/.test(agb)) throw new RegisterError('an AGB code has 8 digits');
  return agb;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The database answered with a unique violation (SQLSTATE 23505). */
function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

export class Register {
  readonly #db: Database;
  readonly #secrets: Secrets;
  readonly #big: BigRegister;

  constructor(db: Database, secrets: Secrets, options: { big?: BigRegister } = {}) {
    this.#db = db;
    this.#secrets = secrets;
    this.#big = options.big ?? FileBigRegister.fromFile();
  }

  // --- BSN protection -------------------------------------------------------------------------

  bsnIndex(bsn: Bsn): string {
    return this.#secrets.hmac('bsn-blind-index', bsn.reveal());
  }

  /** The BSN sealed for one person: the person id is bound as additional data. */
  sealBsn(bsn: Bsn, personId: string): Buffer {
    return this.#secrets.encrypt('bsn-encryption', Buffer.from(bsn.reveal()), personId);
  }

  get keyId(): string {
    return this.#secrets.keyId;
  }

  /** The person's BSN, decrypted; for the register's own use (never logged, never shown). */
  async revealBsn(personId: string, actor: Actor): Promise<Bsn> {
    const [row] = await this.#db.query<{ bsn_sealed: Buffer; bsn_key_id: string; dezi_nummer: string }>(
      'SELECT bsn_sealed, bsn_key_id, dezi_nummer FROM persons WHERE id = $1',
      [personId],
    );
    if (!row) throw new NotFoundError('person');
    if (row.bsn_key_id !== this.#secrets.keyId)
      throw new RegisterError(`BSN sealed with key ${row.bsn_key_id}, current key is ${this.#secrets.keyId}`);
    await this.#audit(this.#db, actor, 'register.person.read_bsn', `person:${row.dezi_nummer}`);
    return Bsn.parse(
      this.#secrets.decrypt('bsn-encryption', Buffer.from(row.bsn_sealed), personId).toString(),
    );
  }

  async #audit(
    tx: Queryable,
    actor: Actor,
    action: string,
    target: string,
    detail: Record<string, string | number | boolean | null> = {},
    outcome: 'success' | 'failure' = 'success',
  ): Promise<void> {
    await recordAudit(tx, { actor, action, outcome, target, detail });
  }

  // --- persons --------------------------------------------------------------------------------

  async findPersonByBsn(bsn: Bsn, actor?: Actor): Promise<Person | null> {
    const [row] = await this.#db.query<PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM persons p WHERE bsn_index = $1`,
      [this.bsnIndex(bsn)],
    );
    if (actor) await this.#auditRead(actor, 'bsn', row);
    return row ? toPerson(row) : null;
  }

  async findPersonByDeziNummer(deziNummer: string, actor?: Actor): Promise<Person | null> {
    if (!/^[0-9]{9}$/.test(deziNummer)) return null;
    const [row] = await this.#db.query<PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM persons p WHERE dezi_nummer = $1`,
      [deziNummer],
    );
    if (actor) await this.#auditRead(actor, 'dezi_nummer', row);
    return row ? toPerson(row) : null;
  }

  async getPerson(id: string, actor?: Actor): Promise<Person | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.#db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons p WHERE id = $1`, [
      id,
    ]);
    if (actor) await this.#auditRead(actor, 'id', row);
    return row ? toPerson(row) : null;
  }

  async #auditRead(actor: Actor, by: string, row: PersonRow | undefined): Promise<void> {
    await this.#audit(
      this.#db,
      actor,
      'register.person.read',
      row ? `person:${row.dezi_nummer}` : 'person:unknown',
      { by },
      row ? 'success' : 'failure',
    );
  }

  /**
   * The person a login means' subject belongs to. A UZI-nummer is the Dezi-nummer (UZI-nummers carry
   * over into the register); any other subject must have been linked to a person first.
   */
  async findPersonBySubject(subject: MeansSubject): Promise<Person | null> {
    switch (subject.kind) {
      case 'bsn':
        return this.findPersonByBsn(subject.bsn);
      case 'uzi-nummer':
        return this.findPersonByDeziNummer(subject.uziNummer);
      case 'linked': {
        const [row] = await this.#db.query<PersonRow>(
          `SELECT ${PERSON_COLUMNS} FROM linked_means l
           JOIN persons p ON p.id = l.person_id WHERE l.means_id = $1 AND l.subject = $2`,
          [subject.meansId, subject.subject],
        );
        return row ? toPerson(row) : null;
      }
    }
  }

  /** Takes the next free Dezi-nummer from the sequence, skipping numbers carried over from UZI. */
  async #allocateDeziNummer(tx: Queryable): Promise<string> {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const [row] = await tx.query<{ n: string; taken: boolean }>(
        `SELECT n, EXISTS (SELECT 1 FROM persons WHERE dezi_nummer = n) AS taken
         FROM (SELECT lpad(nextval('dezi_nummer_seq')::text, 9, '0') AS n) s`,
      );
      if (!row!.taken) return row!.n;
    }
    throw new RegisterError('no free Dezi-nummer found in 1000 attempts', 'conflict');
  }

  /** The ids of the login means a person has linked (for offering alternatives when one is down). */
  async linkedMeansIds(personId: string): Promise<string[]> {
    const rows = await this.#db.query<{ means_id: string }>(
      'SELECT DISTINCT means_id FROM linked_means WHERE person_id = $1 ORDER BY means_id',
      [personId],
    );
    return rows.map((r) => r.means_id);
  }

  /**
   * Registers a person, allocating a Dezi-nummer. One person per BSN: when the BSN is already in the
   * register (also when another registration for it commits concurrently), that person is returned.
   */
  async registerPerson(p: PersonRegistration, actor: Actor): Promise<Person> {
    const name = validName(p);
    if (!isLoa(p.loaDezi)) throw new RegisterError('loaDezi must be an eIDAS level of assurance URI');
    const index = this.bsnIndex(p.bsn);
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.#db.transaction(async (tx) => {
        const deziNummer = await this.#allocateDeziNummer(tx);
        const id = randomUUID();
        // ON CONFLICT DO NOTHING waits for a concurrent insert of the same BSN and then yields to it.
        const [row] = await tx.query<PersonRow>(
          `INSERT INTO persons AS p (id, dezi_nummer, bsn_index, bsn_sealed, bsn_key_id, voorletters, voorvoegsel, achternaam, loa_dezi)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING ${PERSON_COLUMNS}`,
          [
            id,
            deziNummer,
            index,
            this.sealBsn(p.bsn, id),
            this.keyId,
            name.voorletters,
            name.voorvoegsel,
            name.achternaam,
            p.loaDezi,
          ],
        );
        if (row) {
          await this.#audit(tx, actor, 'register.person.create', `person:${row.dezi_nummer}`, {
            loa_dezi: p.loaDezi,
          });
          return toPerson(row);
        }
        const [existing] = await tx.query<PersonRow>(
          `SELECT ${PERSON_COLUMNS} FROM persons p WHERE bsn_index = $1`,
          [index],
        );
        if (existing) {
          await this.#audit(tx, actor, 'register.person.create', `person:${existing.dezi_nummer}`, {
            existing: true,
          });
          return toPerson(existing);
        }
        return null; // the Dezi-nummer was taken by an import in the meantime: try another
      });
      if (result) return result;
    }
    throw new RegisterError('could not register the person; try again', 'conflict');
  }

  /** A person with a carried-over number (UZI-nummer); the import and the proeftuin seed use it. */
  async createPerson(p: NewPerson, tx: Queryable = this.#db, actor: Actor = SYSTEM): Promise<Person> {
    const name = validName(p);
    if (!/^[0-9]{9}$/.test(p.deziNummer)) throw new RegisterError('a Dezi-nummer has 9 digits');
    const id = randomUUID();
    try {
      const [row] = await tx.query<PersonRow>(
        `INSERT INTO persons AS p (id, dezi_nummer, bsn_index, bsn_sealed, bsn_key_id, voorletters, voorvoegsel, achternaam, loa_dezi)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${PERSON_COLUMNS}`,
        [
          id,
          p.deziNummer,
          this.bsnIndex(p.bsn),
          this.sealBsn(p.bsn, id),
          this.keyId,
          name.voorletters,
          name.voorvoegsel,
          name.achternaam,
          p.loaDezi,
        ],
      );
      await this.#audit(tx, actor, 'register.person.create', `person:${row!.dezi_nummer}`, {
        carried_over: true,
      });
      return toPerson(row!);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError('this BSN or Dezi-nummer is already in the register');
      throw err;
    }
  }

  /** A name change keeps every means and employment; it revokes the verklaringen with the old name. */
  async changeName(personId: string, name: Name, actor: Actor): Promise<Person> {
    const next = validName(name);
    return this.#db.transaction(async (tx) => {
      const current = await this.#lockPerson(tx, personId);
      if (
        current.voorletters === next.voorletters &&
        current.voorvoegsel === next.voorvoegsel &&
        current.achternaam === next.achternaam
      )
        return current;
      await tx.query(
        `INSERT INTO person_name_changes (id, person_id, old_voorletters, old_voorvoegsel, old_achternaam,
           new_voorletters, new_voorvoegsel, new_achternaam, changed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          randomUUID(),
          personId,
          current.voorletters,
          current.voorvoegsel,
          current.achternaam,
          next.voorletters,
          next.voorvoegsel,
          next.achternaam,
          describeActor(actor),
        ],
      );
      const [row] = await tx.query<PersonRow>(
        `UPDATE persons p SET voorletters = $2, voorvoegsel = $3, achternaam = $4, updated_at = now()
         WHERE id = $1 RETURNING ${PERSON_COLUMNS}`,
        [personId, next.voorletters, next.voorvoegsel, next.achternaam],
      );
      await this.#audit(tx, actor, 'register.person.change_name', `person:${current.deziNummer}`);
      await revokeVerklaringen(tx, { personId }, 'name_changed', actor);
      return toPerson(row!);
    });
  }

  /** Every name the person had, oldest first, ending with the current one (until: null). */
  async nameHistory(personId: string): Promise<NameHistoryEntry[]> {
    const person = await this.getPerson(personId);
    if (!person) throw new NotFoundError('person');
    const changes = await this.#db.query<{
      old_voorletters: string;
      old_voorvoegsel: string | null;
      old_achternaam: string;
      changed_at: Date;
      changed_by: string;
    }>(
      `SELECT old_voorletters, old_voorvoegsel, old_achternaam, changed_at, changed_by
       FROM person_name_changes WHERE person_id = $1 ORDER BY changed_at, id`,
      [personId],
    );
    return [
      ...changes.map((c) => ({
        voorletters: c.old_voorletters,
        voorvoegsel: c.old_voorvoegsel,
        achternaam: c.old_achternaam,
        until: new Date(c.changed_at),
        changedBy: c.changed_by,
      })),
      {
        voorletters: person.voorletters,
        voorvoegsel: person.voorvoegsel,
        achternaam: person.achternaam,
        until: null,
        changedBy: null,
      },
    ];
  }

  /** Suspending or ending a person revokes every verklaring of theirs at once. */
  async setPersonStatus(personId: string, status: PersonStatus, actor: Actor): Promise<Person> {
    if (!PERSON_STATUSES.includes(status)) throw new RegisterError(`unknown person status ${status}`);
    return this.#db.transaction(async (tx) => {
      const current = await this.#lockPerson(tx, personId);
      if (current.status === status) return current;
      if (current.status === 'deceased') throw new ConflictError('a deceased person cannot change status');
      await tx.query('UPDATE persons SET status = $2, updated_at = now() WHERE id = $1', [personId, status]);
      await this.#audit(tx, actor, 'register.person.set_status', `person:${current.deziNummer}`, {
        from: current.status,
        to: status,
      });
      if (status !== 'active') await revokeVerklaringen(tx, { personId }, `person_${status}`, actor);
      return { ...current, status };
    });
  }

  async #lockPerson(tx: Queryable, personId: string): Promise<Person> {
    if (!isUuid(personId)) throw new NotFoundError('person');
    const [row] = await tx.query<PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM persons p WHERE id = $1 FOR UPDATE`,
      [personId],
    );
    if (!row) throw new NotFoundError('person');
    return toPerson(row);
  }

  // --- abonnees -------------------------------------------------------------------------------

  async createAbonnee(a: NewAbonnee, actor: Actor, tx?: Queryable): Promise<Abonnee> {
    if (!/^[0-9]{8}$/.test(a.abonneeNummer)) throw new RegisterError('an abonnee-nummer (URA) has 8 digits');
    if (!/^[0-9]{8}$/.test(a.kvk ?? '')) throw new RegisterError('a KvK-nummer has 8 digits');
    const naam = a.naam?.trim() ?? '';
    if (naam === '' || naam.length > MAX_NAME) throw new RegisterError('an abonnee needs a name');
    const agb = validAgb(a.agb);
    const run = async (q: Queryable) => {
      const [row] = await q.query<AbonneeRow>(
        `INSERT INTO abonnees (id, abonnee_nummer, naam, kvk, agb) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (abonnee_nummer) DO NOTHING RETURNING ${ABONNEE_COLUMNS}`,
        [randomUUID(), a.abonneeNummer, naam, a.kvk, agb],
      );
      if (!row) throw new ConflictError(`abonnee ${a.abonneeNummer} already exists`);
      await this.#audit(q, actor, 'register.abonnee.create', `abonnee:${a.abonneeNummer}`);
      return toAbonnee(row);
    };
    return tx ? run(tx) : this.#db.transaction(run);
  }

  async findAbonnee(abonneeNummer: string): Promise<Abonnee | null> {
    if (!/^[0-9]{8}$/.test(abonneeNummer)) return null;
    const [row] = await this.#db.query<AbonneeRow>(
      `SELECT ${ABONNEE_COLUMNS} FROM abonnees WHERE abonnee_nummer = $1`,
      [abonneeNummer],
    );
    return row ? toAbonnee(row) : null;
  }

  async getAbonnee(id: string, q: Queryable = this.#db): Promise<Abonnee | null> {
    if (!isUuid(id)) return null;
    const [row] = await q.query<AbonneeRow>(`SELECT ${ABONNEE_COLUMNS} FROM abonnees WHERE id = $1`, [id]);
    return row ? toAbonnee(row) : null;
  }

  /** Changes an abonnee's name, KvK or AGB (not its number, not its status). */
  async updateAbonnee(
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
    return this.#db.transaction(async (tx) => {
      if (!isUuid(abonneeId)) throw new NotFoundError('abonnee');
      const [row] = await tx.query<AbonneeRow>(
        `UPDATE abonnees SET naam = coalesce($2, naam), kvk = coalesce($3, kvk),
           agb = CASE WHEN $4::boolean THEN $5 ELSE agb END, updated_at = now()
         WHERE id = $1 RETURNING ${ABONNEE_COLUMNS}`,
        [abonneeId, naam ?? null, changes.kvk ?? null, agb !== undefined, agb ?? null],
      );
      if (!row) throw new NotFoundError('abonnee');
      await this.#audit(tx, actor, 'register.abonnee.update', `abonnee:${row.abonnee_nummer}`, {
        fields: Object.keys(changes).join(','),
      });
      return toAbonnee(row);
    });
  }

  /** Suspending or ending an abonnee revokes every verklaring issued for it at once. */
  async setAbonneeStatus(abonneeId: string, status: AbonneeStatus, actor: Actor): Promise<Abonnee> {
    if (!ABONNEE_STATUSES.includes(status)) throw new RegisterError(`unknown abonnee status ${status}`);
    return this.#db.transaction(async (tx) => {
      if (!isUuid(abonneeId)) throw new NotFoundError('abonnee');
      const [row] = await tx.query<AbonneeRow>(
        `SELECT ${ABONNEE_COLUMNS} FROM abonnees WHERE id = $1 FOR UPDATE`,
        [abonneeId],
      );
      if (!row) throw new NotFoundError('abonnee');
      if (row.status === status) return toAbonnee(row);
      await tx.query('UPDATE abonnees SET status = $2, updated_at = now() WHERE id = $1', [
        abonneeId,
        status,
      ]);
      await this.#audit(tx, actor, 'register.abonnee.set_status', `abonnee:${row.abonnee_nummer}`, {
        from: row.status,
        to: status,
      });
      if (status !== 'active') await revokeVerklaringen(tx, { abonneeId }, `abonnee_${status}`, actor);
      return { ...toAbonnee(row), status };
    });
  }

  async addAbonneeAdministrator(abonneeId: string, personId: string, actor: Actor): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const abonnee = await this.getAbonnee(abonneeId, tx);
      if (!abonnee) throw new NotFoundError('abonnee');
      const person = await this.#lockPerson(tx, personId);
      await tx.query(
        'INSERT INTO abonnee_administrators (abonnee_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [abonneeId, personId],
      );
      await this.#audit(tx, actor, 'register.abonnee.add_administrator', `abonnee:${abonnee.abonneeNummer}`, {
        dezi_nummer: person.deziNummer,
      });
    });
  }

  async removeAbonneeAdministrator(abonneeId: string, personId: string, actor: Actor): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const abonnee = await this.getAbonnee(abonneeId, tx);
      if (!abonnee || !isUuid(personId)) throw new NotFoundError('administrator');
      const rows = await tx.query(
        'DELETE FROM abonnee_administrators WHERE abonnee_id = $1 AND person_id = $2 RETURNING person_id',
        [abonneeId, personId],
      );
      if (rows.length === 0) throw new NotFoundError('administrator');
      await this.#audit(
        tx,
        actor,
        'register.abonnee.remove_administrator',
        `abonnee:${abonnee.abonneeNummer}`,
        {
          person_id: personId,
        },
      );
    });
  }

  async abonneeAdministrators(abonneeId: string): Promise<Person[]> {
    if (!isUuid(abonneeId)) return [];
    const rows = await this.#db.query<PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM abonnee_administrators x JOIN persons p ON p.id = x.person_id
       WHERE x.abonnee_id = $1 ORDER BY p.achternaam, p.dezi_nummer`,
      [abonneeId],
    );
    return rows.map(toPerson);
  }

  async isAbonneeAdministrator(abonneeId: string, personId: string): Promise<boolean> {
    if (!isUuid(abonneeId) || !isUuid(personId)) return false;
    const rows = await this.#db.query(
      'SELECT 1 FROM abonnee_administrators WHERE abonnee_id = $1 AND person_id = $2',
      [abonneeId, personId],
    );
    return rows.length === 1;
  }

  // --- employments ----------------------------------------------------------------------------

  /**
   * The role rules, for every path that gives a person a role (createEmployment, changeRole, an
   * invitation by Dezi-nummer): a known code; a BIG profession only from the BIG-register, and only
   * when the person holds it there (holdsBigRole: the beroep for NN.000, else that specialism).
   */
  async checkRole(person: Person, rolCode: string | null, rolCodeBron: RoleSource | null): Promise<void> {
    checkRoleCode(rolCode, rolCodeBron);
    const role = rolCode ? roleByCode(rolCode) : undefined;
    if (!role?.big) return;
    let registrations;
    try {
      registrations = await this.#big.registrationsOf(person);
    } catch (err) {
      if (err instanceof BigRegisterError)
        throw new BigRoleError(
          `the BIG-register cannot be checked: ${err.message}`,
          'unavailable',
          person.deziNummer,
          role,
        );
      throw err;
    }
    if (holdsBigRole(registrations, role.code)) return;
    const specialism = role.code !== `${beroepOf(role.code)}.000`;
    throw new BigRoleError(
      `${person.deziNummer} has no BIG registration for ${specialism ? 'the specialism ' : ''}${role.naam} (${role.code})`,
      'not_registered',
      person.deziNummer,
      role,
    );
  }

  async createEmployment(e: NewEmployment, actor: Actor = SYSTEM, tx?: Queryable): Promise<Employment> {
    const startDate = e.startDate ? validDate(e.startDate, 'startDate') : today();
    const endDate = e.endDate ? validDate(e.endDate, 'endDate') : null;
    if (endDate !== null && endDate < startDate) throw new RegisterError('endDate lies before startDate');
    const agb = validAgb(e.agb);
    checkRoleCode(e.rolCode, e.rolCodeBron);
    const run = async (q: Queryable) => {
      const person = await this.#lockPerson(q, e.personId);
      if (person.status === 'deceased' || person.status === 'ended')
        throw new ConflictError(`person ${person.deziNummer} is ${person.status}`);
      const abonnee = await this.getAbonnee(e.abonneeId, q);
      if (!abonnee) throw new NotFoundError('abonnee');
      if (abonnee.status === 'ended') throw new ConflictError(`abonnee ${abonnee.abonneeNummer} has ended`);
      await this.checkRole(person, e.rolCode, e.rolCodeBron);
      const id = randomUUID();
      await q.query(
        `INSERT INTO employments (id, person_id, abonnee_id, rol_code, rol_code_bron, start_date, end_date, agb)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, e.personId, e.abonneeId, e.rolCode, e.rolCodeBron, startDate, endDate, agb],
      );
      await recordAudit(q, {
        actor,
        action: 'register.employment.create',
        outcome: 'success',
        abonneeNummer: abonnee.abonneeNummer,
        target: `employment:${id}`,
        detail: {
          dezi_nummer: person.deziNummer,
          rol_code: e.rolCode,
          start_date: startDate,
          end_date: endDate,
        },
      });
      return (await this.#employment(q, id))!;
    };
    return tx ? run(tx) : this.#db.transaction(run);
  }

  async #employment(q: Queryable, id: string, lock = false): Promise<Employment | null> {
    if (!isUuid(id)) return null;
    const [row] = await q.query<EmploymentRow>(
      `${EMPLOYMENT_SELECT} WHERE e.id = $1${lock ? ' FOR UPDATE OF e' : ''}`,
      [id],
    );
    return row ? toEmployment(row) : null;
  }

  async getEmployment(id: string): Promise<Employment | null> {
    return this.#employment(this.#db, id);
  }

  /** A role change revokes the verklaringen that stated the old role. */
  async changeRole(
    employmentId: string,
    role: { rolCode: string | null; rolCodeBron: RoleSource | null },
    actor: Actor,
  ): Promise<Employment> {
    return this.#db.transaction(async (tx) => {
      const current = await this.#employment(tx, employmentId, true);
      if (!current) throw new NotFoundError('employment');
      if (current.status === 'ended') throw new ConflictError('the employment has ended');
      if (current.rolCode === role.rolCode && current.roleSource === role.rolCodeBron) return current;
      const person = await this.#lockPerson(tx, current.personId);
      await this.checkRole(person, role.rolCode, role.rolCodeBron);
      await tx.query(
        'UPDATE employments SET rol_code = $2, rol_code_bron = $3, updated_at = now() WHERE id = $1',
        [employmentId, role.rolCode, role.rolCodeBron],
      );
      await recordAudit(tx, {
        actor,
        action: 'register.employment.change_role',
        outcome: 'success',
        abonneeNummer: current.abonnee.abonneeNummer,
        target: `employment:${employmentId}`,
        detail: { from: current.rolCode, to: role.rolCode },
      });
      await revokeVerklaringen(tx, { employmentId }, 'role_changed', actor);
      return (await this.#employment(tx, employmentId))!;
    });
  }

  /**
   * Ends an employment on endDate (default today; the first day no longer worked). Its verklaringen
   * are revoked at once: a later one would outlive the employment, and new ones end with it.
   */
  async endEmployment(employmentId: string, actor: Actor, endDate?: string): Promise<Employment> {
    const end = endDate ? validDate(endDate, 'endDate') : today();
    return this.#db.transaction(async (tx) => {
      const current = await this.#employment(tx, employmentId, true);
      if (!current) throw new NotFoundError('employment');
      if (current.status === 'ended') throw new ConflictError('the employment has already ended');
      if (end < current.startDate) throw new RegisterError('endDate lies before the start of the employment');
      await tx.query('UPDATE employments SET end_date = $2, updated_at = now() WHERE id = $1', [
        employmentId,
        end,
      ]);
      await recordAudit(tx, {
        actor,
        action: 'register.employment.end',
        outcome: 'success',
        abonneeNummer: current.abonnee.abonneeNummer,
        target: `employment:${employmentId}`,
        detail: { end_date: end },
      });
      await revokeVerklaringen(tx, { employmentId }, 'employment_ended', actor);
      return (await this.#employment(tx, employmentId))!;
    });
  }

  /** Every employment of the abonnee, ended ones too, newest first. */
  async employmentsOfAbonnee(abonneeId: string): Promise<Employment[]> {
    if (!isUuid(abonneeId)) return [];
    const rows = await this.#db.query<EmploymentRow>(
      `${EMPLOYMENT_SELECT} WHERE e.abonnee_id = $1 ORDER BY e.start_date DESC, e.id`,
      [abonneeId],
    );
    return rows.map(toEmployment);
  }

  /** Every employment of the person, ended ones too, newest first. */
  async employmentsOfPerson(personId: string): Promise<Employment[]> {
    if (!isUuid(personId)) return [];
    const rows = await this.#db.query<EmploymentRow>(
      `${EMPLOYMENT_SELECT} WHERE e.person_id = $1 ORDER BY e.start_date DESC, a.naam, e.id`,
      [personId],
    );
    return rows.map(toEmployment);
  }

  /** Employments that may be used to log in today: started, not ended, at an active abonnee. */
  async activeEmployments(personId: string): Promise<Employment[]> {
    if (!isUuid(personId)) return [];
    const rows = await this.#db.query<EmploymentRow>(
      `${EMPLOYMENT_SELECT} WHERE e.person_id = $1 AND ${EMPLOYMENT_IS_ACTIVE}
       ORDER BY a.naam, e.rol_code NULLS LAST`,
      [personId],
    );
    return rows.map(toEmployment);
  }

  /** The employment if it belongs to the person and is active; null otherwise. */
  async activeEmployment(personId: string, employmentId: string): Promise<Employment | null> {
    if (!isUuid(employmentId) || !isUuid(personId)) return null;
    const [row] = await this.#db.query<EmploymentRow>(
      `${EMPLOYMENT_SELECT} WHERE e.id = $1 AND e.person_id = $2 AND ${EMPLOYMENT_IS_ACTIVE}`,
      [employmentId, personId],
    );
    return row ? toEmployment(row) : null;
  }

  /** A person with their employments, all or nothing (the proeftuin seed). */
  async enrol(
    p: NewPerson & { status?: PersonStatus },
    employments: Omit<NewEmployment, 'personId'>[],
    actor: Actor = SYSTEM,
  ): Promise<Person> {
    return this.#db.transaction(async (tx) => {
      const person = await this.createPerson(p, tx, actor);
      for (const e of employments) await this.createEmployment({ personId: person.id, ...e }, actor, tx);
      if (p.status && p.status !== 'active') {
        await tx.query('UPDATE persons SET status = $2 WHERE id = $1', [person.id, p.status]);
        return { ...person, status: p.status };
      }
      return person;
    });
  }

  // --- linked login means ---------------------------------------------------------------------

  /** Links a means' subject to a person; a subject already linked to someone else is refused. */
  async linkMeans(
    personId: string,
    meansId: string,
    subject: string,
    actor: Actor = SYSTEM,
  ): Promise<LinkedMeans> {
    if (!meansId || !subject || subject.length > 512)
      throw new RegisterError('a means id and a subject are required');
    return this.#db.transaction(async (tx) => {
      const person = await this.#lockPerson(tx, personId);
      const [row] = await tx.query<LinkedMeansRow & { person_id: string }>(
        `INSERT INTO linked_means (id, person_id, means_id, subject) VALUES ($1, $2, $3, $4)
         ON CONFLICT (means_id, subject) DO UPDATE SET means_id = EXCLUDED.means_id
         RETURNING id, person_id, means_id, subject, preferred, created_at, last_used_at`,
        [randomUUID(), personId, meansId, subject],
      );
      if (row!.person_id !== personId)
        throw new ConflictError('this login means is linked to another person');
      await this.#audit(tx, actor, 'register.means.link', `person:${person.deziNummer}`, { means: meansId });
      return toLinkedMeans(row!);
    });
  }

  async listLinkedMeans(personId: string): Promise<LinkedMeans[]> {
    if (!isUuid(personId)) return [];
    const rows = await this.#db.query<LinkedMeansRow>(
      `SELECT id, means_id, subject, preferred, created_at, last_used_at FROM linked_means
       WHERE person_id = $1 ORDER BY created_at, id`,
      [personId],
    );
    return rows.map(toLinkedMeans);
  }

  async unlinkMeans(personId: string, linkId: string, actor: Actor): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const person = await this.#lockPerson(tx, personId);
      if (!isUuid(linkId)) throw new NotFoundError('linked means');
      const rows = await tx.query<{ means_id: string }>(
        'DELETE FROM linked_means WHERE id = $1 AND person_id = $2 RETURNING means_id',
        [linkId, personId],
      );
      if (rows.length === 0) throw new NotFoundError('linked means');
      await this.#audit(tx, actor, 'register.means.unlink', `person:${person.deziNummer}`, {
        means: rows[0]!.means_id,
      });
    });
  }

  /** Marks one linked means as preferred; the person's other links lose the mark. */
  async setPreferredMeans(personId: string, linkId: string, actor: Actor): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const person = await this.#lockPerson(tx, personId);
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
      await this.#audit(tx, actor, 'register.means.set_preferred', `person:${person.deziNummer}`, {
        means: rows[0]!.means_id,
      });
    });
  }

  /**
   * Runs fn with a Register whose every statement is part of one transaction (its own transactions
   * become savepoints): fn's changes are committed together, or not at all.
   */
  async inOneTransaction<T>(fn: (register: Register, tx: Transaction) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) =>
      fn(new Register(withinTransaction(tx, this.#db.kind), this.#secrets, { big: this.#big }), tx),
    );
  }

  // --- bulk import ----------------------------------------------------------------------------

  /** For the importer (import.ts): the database, to run a batch in one transaction. */
  get database(): Database {
    return this.#db;
  }
}

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

/** The role rules that need no lookup: a known code; a BIG profession only from the BIG-register. */
export function checkRoleCode(rolCode: string | null, rolCodeBron: RoleSource | null): void {
  if ((rolCode === null) !== (rolCodeBron === null))
    throw new RegisterError('a role code needs a role source, and no role code has none');
  if (rolCode === null) return;
  const role = roleByCode(rolCode);
  if (!role) throw new RegisterError(`unknown role code ${rolCode}`);
  if (rolCodeBron !== 'big' && rolCodeBron !== 'abonnee')
    throw new RegisterError(`unknown role source ${rolCodeBron}`);
  if (role.big && rolCodeBron !== 'big')
    throw new RegisterError(
      `${rolCode} (${role.naam}) is a BIG profession: its source must be the BIG-register`,
    );
  if (!role.big && rolCodeBron === 'big')
    throw new RegisterError(`${rolCode} (${role.naam}) is not a BIG profession: its source is the abonnee`);
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
