// Persons (zorgmedewerkers): one per BSN, known by their Dezi-nummer. The BSN goes in and out only
// through the vault; reads by an actor are audited, and every change that makes a verklaring untrue
// (a new name, a status other than active) invalidates it in the change's transaction.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { describeActor, SYSTEM, type Actor } from '../audit/audit.ts';
import { isLoa } from '../means/loa.ts';
import { isUuid } from '../ids.ts';
import type { Bsn } from '../means/bsn.ts';
import { audit, isUniqueViolation, validName, type RegisterContext } from './context.ts';
import { ConflictError, NotFoundError, RegisterError } from './errors.ts';
import {
  PERSON_STATUSES,
  type Name,
  type NameHistoryEntry,
  type NewPerson,
  type Person,
  type PersonRegistration,
  type PersonStatus,
} from './types.ts';

export interface PersonRow {
  id: string;
  dezi_nummer: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
  loa_dezi: string;
  status: PersonStatus;
}

/** The columns toPerson reads, from a persons table aliased p. */
export const PERSON_COLUMNS =
  'p.id, p.dezi_nummer, p.voorletters, p.voorvoegsel, p.achternaam, p.loa_dezi, p.status';

export function toPerson(r: PersonRow): Person {
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

async function auditRead(c: RegisterContext, actor: Actor, by: string, row: PersonRow | undefined) {
  await audit(
    c.db,
    actor,
    'register.person.read',
    row ? `person:${row.dezi_nummer}` : 'person:unknown',
    { by },
    row ? 'success' : 'failure',
  );
}

export async function findByBsn(c: RegisterContext, bsn: Bsn, actor?: Actor): Promise<Person | null> {
  const [row] = await c.db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons p WHERE bsn_index = $1`, [
    c.vault.index(bsn),
  ]);
  if (actor) await auditRead(c, actor, 'bsn', row);
  return row ? toPerson(row) : null;
}

export async function findByDeziNummer(
  c: RegisterContext,
  deziNummer: string,
  actor?: Actor,
): Promise<Person | null> {
  if (!/^[0-9]{9}$/.test(deziNummer)) return null;
  const [row] = await c.db.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM persons p WHERE dezi_nummer = $1`,
    [deziNummer],
  );
  if (actor) await auditRead(c, actor, 'dezi_nummer', row);
  return row ? toPerson(row) : null;
}

export async function get(c: RegisterContext, id: string, actor?: Actor): Promise<Person | null> {
  if (!isUuid(id)) return null;
  const [row] = await c.db.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons p WHERE id = $1`, [id]);
  if (actor) await auditRead(c, actor, 'id', row);
  return row ? toPerson(row) : null;
}

/** Whether the person may act at all today (status active); false for an unknown id. */
export async function isActive(c: RegisterContext, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await c.db.query("SELECT 1 FROM persons WHERE id = $1 AND status = 'active'", [id]);
  return rows.length === 1;
}

/** The person's BSN, decrypted; for the register's own use (never logged, never shown). */
export async function revealBsn(c: RegisterContext, personId: string, actor: Actor): Promise<Bsn> {
  const [row] = await c.db.query<{ bsn_sealed: Buffer; bsn_key_id: string; dezi_nummer: string }>(
    'SELECT bsn_sealed, bsn_key_id, dezi_nummer FROM persons WHERE id = $1',
    [personId],
  );
  if (!row) throw new NotFoundError('person');
  // Opened first: a BSN under another master key is refused before anything is recorded as read.
  const bsn = c.vault.open(row.bsn_sealed, row.bsn_key_id, personId);
  await audit(c.db, actor, 'register.person.read_bsn', `person:${row.dezi_nummer}`);
  return bsn;
}

/** The person, locked for the rest of the transaction; every change to a person starts here. */
export async function lock(tx: Queryable, personId: string): Promise<Person> {
  if (!isUuid(personId)) throw new NotFoundError('person');
  const [row] = await tx.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM persons p WHERE id = $1 FOR UPDATE`,
    [personId],
  );
  if (!row) throw new NotFoundError('person');
  return toPerson(row);
}

/** Takes the next free Dezi-nummer from the sequence, skipping numbers carried over from UZI. */
async function allocateDeziNummer(tx: Queryable): Promise<string> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const [row] = await tx.query<{ n: string; taken: boolean }>(
      `SELECT n, EXISTS (SELECT 1 FROM persons WHERE dezi_nummer = n) AS taken
       FROM (SELECT lpad(nextval('dezi_nummer_seq')::text, 9, '0') AS n) s`,
    );
    if (!row!.taken) return row!.n;
  }
  throw new RegisterError('no free Dezi-nummer found in 1000 attempts', 'conflict');
}

/**
 * Registers a person, allocating a Dezi-nummer. One person per BSN: when the BSN is already in the
 * register (also when another registration for it commits concurrently), that person is returned.
 */
export async function register(c: RegisterContext, p: PersonRegistration, actor: Actor): Promise<Person> {
  const name = validName(p);
  if (!isLoa(p.loaDezi)) throw new RegisterError('loaDezi must be an eIDAS level of assurance URI');
  const index = c.vault.index(p.bsn);
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await c.db.transaction(async (tx) => {
      const deziNummer = await allocateDeziNummer(tx);
      const id = randomUUID();
      // ON CONFLICT DO NOTHING waits for a concurrent insert of the same BSN and then yields to it.
      const [row] = await tx.query<PersonRow>(
        `INSERT INTO persons AS p (id, dezi_nummer, bsn_index, bsn_sealed, bsn_key_id, voorletters, voorvoegsel, achternaam, loa_dezi)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING ${PERSON_COLUMNS}`,
        [
          id,
          deziNummer,
          index,
          c.vault.seal(p.bsn, id),
          c.vault.keyId,
          name.voorletters,
          name.voorvoegsel,
          name.achternaam,
          p.loaDezi,
        ],
      );
      if (row) {
        await audit(tx, actor, 'register.person.create', `person:${row.dezi_nummer}`, {
          loa_dezi: p.loaDezi,
        });
        return toPerson(row);
      }
      const [existing] = await tx.query<PersonRow>(
        `SELECT ${PERSON_COLUMNS} FROM persons p WHERE bsn_index = $1`,
        [index],
      );
      if (existing) {
        await audit(tx, actor, 'register.person.create', `person:${existing.dezi_nummer}`, {
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
export async function create(
  c: RegisterContext,
  p: NewPerson,
  tx: Queryable = c.db,
  actor: Actor = SYSTEM,
): Promise<Person> {
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
        c.vault.index(p.bsn),
        c.vault.seal(p.bsn, id),
        c.vault.keyId,
        name.voorletters,
        name.voorvoegsel,
        name.achternaam,
        p.loaDezi,
      ],
    );
    await audit(tx, actor, 'register.person.create', `person:${row!.dezi_nummer}`, { carried_over: true });
    return toPerson(row!);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('this BSN or Dezi-nummer is already in the register');
    throw err;
  }
}

/** A name change keeps every means and employment; it invalidates the verklaringen with the old name. */
export async function changeName(
  c: RegisterContext,
  personId: string,
  name: Name,
  actor: Actor,
): Promise<Person> {
  const next = validName(name);
  return c.db.transaction(async (tx) => {
    const current = await lock(tx, personId);
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
    await audit(tx, actor, 'register.person.change_name', `person:${current.deziNummer}`);
    await c.invalidated(tx, { personId }, 'name_changed', actor);
    return toPerson(row!);
  });
}

/** Every name the person had, oldest first, ending with the current one (until: null). */
export async function nameHistory(c: RegisterContext, personId: string): Promise<NameHistoryEntry[]> {
  const person = await get(c, personId);
  if (!person) throw new NotFoundError('person');
  const changes = await c.db.query<{
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
    ...changes.map((ch) => ({
      voorletters: ch.old_voorletters,
      voorvoegsel: ch.old_voorvoegsel,
      achternaam: ch.old_achternaam,
      until: new Date(ch.changed_at),
      changedBy: ch.changed_by,
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

/** Suspending or ending a person invalidates every verklaring of theirs at once. */
export async function setStatus(
  c: RegisterContext,
  personId: string,
  status: PersonStatus,
  actor: Actor,
): Promise<Person> {
  if (!PERSON_STATUSES.includes(status)) throw new RegisterError(`unknown person status ${status}`);
  return c.db.transaction(async (tx) => {
    const current = await lock(tx, personId);
    if (current.status === status) return current;
    if (current.status === 'deceased') throw new ConflictError('a deceased person cannot change status');
    await tx.query('UPDATE persons SET status = $2, updated_at = now() WHERE id = $1', [personId, status]);
    await audit(tx, actor, 'register.person.set_status', `person:${current.deziNummer}`, {
      from: current.status,
      to: status,
    });
    if (status !== 'active') await c.invalidated(tx, { personId }, `person_${status}`, actor);
    return { ...current, status };
  });
}

/** The seed's status for a person it has just created (no verklaring can exist yet, none to revoke). */
export async function setInitialStatus(tx: Queryable, personId: string, status: PersonStatus): Promise<void> {
  await tx.query('UPDATE persons SET status = $2 WHERE id = $1', [personId, status]);
}

// --- bulk import (import.ts), in the batch's transaction ---------------------------------------

export interface ImportedPerson {
  id: string;
  deziNummer: string;
  bsnIndex: string;
  /** The BSN sealed for id, hex. */
  sealedHex: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
}

/**
 * Inserts carried-over persons in one statement; a BSN or Dezi-nummer already there is skipped.
 * Returns the ones inserted (Dezi-nummer → id).
 */
export async function insertImported(
  c: RegisterContext,
  tx: Queryable,
  persons: ImportedPerson[],
  loaDezi: string,
): Promise<Map<string, string>> {
  const created = new Map<string, string>();
  if (persons.length === 0) return created;
  const inserted = await tx.query<{ id: string; dezi_nummer: string }>(
    `INSERT INTO persons (id, dezi_nummer, bsn_index, bsn_sealed, bsn_key_id, voorletters, voorvoegsel, achternaam, loa_dezi)
     SELECT id, nr, ix, decode(sealed, 'hex'), $5, vl, vv, an, $9
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $6::text[], $7::text[], $8::text[])
       AS t (id, nr, ix, sealed, vl, vv, an)
     ON CONFLICT DO NOTHING RETURNING id, dezi_nummer`,
    [
      persons.map((p) => p.id),
      persons.map((p) => p.deziNummer),
      persons.map((p) => p.bsnIndex),
      persons.map((p) => p.sealedHex),
      c.vault.keyId,
      persons.map((p) => p.voorletters),
      persons.map((p) => p.voorvoegsel),
      persons.map((p) => p.achternaam),
      loaDezi,
    ],
  );
  for (const r of inserted) created.set(r.dezi_nummer, r.id);
  return created;
}

/** The persons holding any of these Dezi-nummers or BSN indexes (for the import's checks). */
export async function findByNummersOrIndexes(
  tx: Queryable,
  deziNummers: string[],
  bsnIndexes: string[],
): Promise<{ id: string; deziNummer: string; bsnIndex: string }[]> {
  const rows = await tx.query<{ id: string; dezi_nummer: string; bsn_index: string }>(
    `SELECT id, dezi_nummer, bsn_index FROM persons
     WHERE dezi_nummer = ANY($1::bpchar[]) OR bsn_index = ANY($2::text[])`,
    [deziNummers, bsnIndexes],
  );
  return rows.map((r) => ({ id: r.id, deziNummer: r.dezi_nummer, bsnIndex: r.bsn_index }));
}
