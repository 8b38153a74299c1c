// Employments (koppelingen): a person at an abonnee, with a role or none, between two dates. A role
// change or the end of an employment invalidates the verklaringen that rest on it, in the same
// transaction. The role rules (checkRole) hold on every path that gives a person a role.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { recordAudit, SYSTEM, type Actor } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { get as getAbonnee, toAbonnee, type AbonneeRow } from './abonnees.ts';
import { BigRegisterError, holdsBigRole } from './big.ts';
import { today, validAgb, validDate, type RegisterContext } from './context.ts';
import { BigRoleError, ConflictError, NotFoundError, RegisterError } from './errors.ts';
import { lock as lockPerson } from './persons.ts';
import { beroepOf, roleByCode, ROLE_SOURCE_URI, type RoleSource } from './roles.ts';
import type { AbonneeStatus, Employment, EmploymentStatus, NewEmployment, Person } from './types.ts';

export interface EmploymentRow {
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

export function toEmployment(r: EmploymentRow): Employment {
  const role = r.rol_code ? roleByCode(r.rol_code) : undefined;
  const abonnee: AbonneeRow = {
    id: r.abonnee_id,
    abonnee_nummer: r.abonnee_nummer,
    naam: r.abonnee_naam,
    kvk: r.abonnee_kvk,
    agb: r.abonnee_agb,
    status: r.abonnee_status,
  };
  return {
    id: r.id,
    personId: r.person_id,
    abonnee: toAbonnee(abonnee),
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

export const EMPLOYMENT_SELECT = `
  SELECT e.id, e.person_id, e.rol_code, e.rol_code_bron, e.agb,
         to_char(e.start_date, 'YYYY-MM-DD') AS start_date, to_char(e.end_date, 'YYYY-MM-DD') AS end_date,
         CASE WHEN e.end_date IS NOT NULL AND e.end_date <= current_date THEN 'ended'
              WHEN e.start_date > current_date THEN 'future' ELSE 'active' END AS status,
         a.id AS abonnee_id, a.abonnee_nummer, a.naam AS abonnee_naam, a.kvk AS abonnee_kvk,
         a.agb AS abonnee_agb, a.status AS abonnee_status
  FROM employments e JOIN abonnees a ON a.id = e.abonnee_id`;

const EMPLOYMENT_IS_ACTIVE = `a.status = 'active' AND e.start_date <= current_date
  AND (e.end_date IS NULL OR e.end_date > current_date)`;

/** The role rules that need no lookup: a known code; a BIG profession only from the BIG-register. */
export function checkRoleCode(rolCode: string | null, rolCodeBron: RoleSource | null): void {
  if ((rolCode === null) !== (rolCodeBron === null))
    throw new RegisterError('a role code needs a role source, and no role code has none');
  if (rolCode === null) return;
  const role = roleByCode(rolCode);
  if (!role) throw new RegisterError(`unknown role code ${rolCode}`);
  if (rolCodeBron === 'zelfverklaring')
    throw new RegisterError(
      'the source zelfverklaring is set only by the abonnee confirming a role declaration',
    );
  if (rolCodeBron !== 'big' && rolCodeBron !== 'abonnee')
    throw new RegisterError(`unknown role source ${rolCodeBron}`);
  if (role.big && rolCodeBron !== 'big')
    throw new RegisterError(
      `${rolCode} (${role.naam}) is a BIG profession: its source must be the BIG-register`,
    );
  if (!role.big && rolCodeBron === 'big')
    throw new RegisterError(`${rolCode} (${role.naam}) is not a BIG profession: its source is the abonnee`);
}

/**
 * The role rules, for every path that gives a person a role (create, changeRole, an invitation by
 * Dezi-nummer): a known code; a BIG profession only from the BIG-register, and only when the person
 * holds it there (holdsBigRole: the beroep for NN.000, else that specialism).
 */
export async function checkRole(
  c: RegisterContext,
  person: Person,
  rolCode: string | null,
  rolCodeBron: RoleSource | null,
): Promise<void> {
  checkRoleCode(rolCode, rolCodeBron);
  const role = rolCode ? roleByCode(rolCode) : undefined;
  if (!role?.big) return;
  let registrations;
  try {
    registrations = await c.big.registrationsOf(person);
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

export async function create(
  c: RegisterContext,
  e: NewEmployment,
  actor: Actor = SYSTEM,
  tx?: Queryable,
): Promise<Employment> {
  const startDate = e.startDate ? validDate(e.startDate, 'startDate') : today();
  const endDate = e.endDate ? validDate(e.endDate, 'endDate') : null;
  if (endDate !== null && endDate < startDate) throw new RegisterError('endDate lies before startDate');
  const agb = validAgb(e.agb);
  checkRoleCode(e.rolCode, e.rolCodeBron);
  const run = async (q: Queryable) => {
    const person = await lockPerson(q, e.personId);
    if (person.status === 'deceased' || person.status === 'ended')
      throw new ConflictError(`person ${person.deziNummer} is ${person.status}`);
    const abonnee = await getAbonnee(q, e.abonneeId);
    if (!abonnee) throw new NotFoundError('abonnee');
    if (abonnee.status === 'ended') throw new ConflictError(`abonnee ${abonnee.abonneeNummer} has ended`);
    await checkRole(c, person, e.rolCode, e.rolCodeBron);
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
    return (await byId(q, id))!;
  };
  return tx ? run(tx) : c.db.transaction(run);
}

export async function byId(q: Queryable, id: string, lock = false): Promise<Employment | null> {
  if (!isUuid(id)) return null;
  const [row] = await q.query<EmploymentRow>(
    `${EMPLOYMENT_SELECT} WHERE e.id = $1${lock ? ' FOR UPDATE OF e' : ''}`,
    [id],
  );
  return row ? toEmployment(row) : null;
}

/** A role change invalidates the verklaringen that stated the old role. */
export async function changeRole(
  c: RegisterContext,
  employmentId: string,
  role: { rolCode: string | null; rolCodeBron: RoleSource | null },
  actor: Actor,
): Promise<Employment> {
  return c.db.transaction(async (tx) => {
    const current = await byId(tx, employmentId, true);
    if (!current) throw new NotFoundError('employment');
    if (current.status === 'ended') throw new ConflictError('the employment has ended');
    if (current.rolCode === role.rolCode && current.roleSource === role.rolCodeBron) return current;
    const person = await lockPerson(tx, current.personId);
    await checkRole(c, person, role.rolCode, role.rolCodeBron);
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
    await c.invalidated(tx, { employmentId }, 'role_changed', actor);
    return (await byId(tx, employmentId))!;
  });
}

/**
 * Ends an employment on endDate (default today; the first day no longer worked). Its verklaringen
 * are invalidated at once: a later revocation would let them outlive the employment.
 */
export async function end(
  c: RegisterContext,
  employmentId: string,
  actor: Actor,
  endDate?: string,
): Promise<Employment> {
  const last = endDate ? validDate(endDate, 'endDate') : today();
  return c.db.transaction(async (tx) => {
    const current = await byId(tx, employmentId, true);
    if (!current) throw new NotFoundError('employment');
    if (current.status === 'ended') throw new ConflictError('the employment has already ended');
    if (last < current.startDate) throw new RegisterError('endDate lies before the start of the employment');
    await tx.query('UPDATE employments SET end_date = $2, updated_at = now() WHERE id = $1', [
      employmentId,
      last,
    ]);
    await recordAudit(tx, {
      actor,
      action: 'register.employment.end',
      outcome: 'success',
      abonneeNummer: current.abonnee.abonneeNummer,
      target: `employment:${employmentId}`,
      detail: { end_date: last },
    });
    await c.invalidated(tx, { employmentId }, 'employment_ended', actor);
    return (await byId(tx, employmentId))!;
  });
}

/** Every employment of the abonnee, ended ones too, newest first. */
export async function ofAbonnee(c: RegisterContext, abonneeId: string): Promise<Employment[]> {
  if (!isUuid(abonneeId)) return [];
  const rows = await c.db.query<EmploymentRow>(
    `${EMPLOYMENT_SELECT} WHERE e.abonnee_id = $1 ORDER BY e.start_date DESC, e.id`,
    [abonneeId],
  );
  return rows.map(toEmployment);
}

/** Every employment of the person, ended ones too, newest first. */
export async function ofPerson(c: RegisterContext, personId: string): Promise<Employment[]> {
  if (!isUuid(personId)) return [];
  const rows = await c.db.query<EmploymentRow>(
    `${EMPLOYMENT_SELECT} WHERE e.person_id = $1 ORDER BY e.start_date DESC, a.naam, e.id`,
    [personId],
  );
  return rows.map(toEmployment);
}

/** Employments that may be used to log in today: started, not ended, at an active abonnee. */
export async function activeOf(c: RegisterContext, personId: string): Promise<Employment[]> {
  if (!isUuid(personId)) return [];
  const rows = await c.db.query<EmploymentRow>(
    `${EMPLOYMENT_SELECT} WHERE e.person_id = $1 AND ${EMPLOYMENT_IS_ACTIVE}
     ORDER BY a.naam, e.rol_code NULLS LAST`,
    [personId],
  );
  return rows.map(toEmployment);
}

/** The employment if it belongs to the person and is active; null otherwise. */
export async function active(
  c: RegisterContext,
  personId: string,
  employmentId: string,
): Promise<Employment | null> {
  if (!isUuid(employmentId) || !isUuid(personId)) return null;
  const [row] = await c.db.query<EmploymentRow>(
    `${EMPLOYMENT_SELECT} WHERE e.id = $1 AND e.person_id = $2 AND ${EMPLOYMENT_IS_ACTIVE}`,
    [employmentId, personId],
  );
  return row ? toEmployment(row) : null;
}

/** An employment as the import has checked it: at a known abonnee, keyed for idempotence. */
export interface ImportedEmployment {
  personId: string;
  abonneeId: string;
  rolCode: string | null;
  rolCodeBron: RoleSource | null;
  startDate: string;
  endDate: string | null;
  agb: string | null;
  importKey: string;
}

/** Inserts the import's employments in one statement; a key seen before is skipped. Returns the count inserted. */
export async function insertImported(tx: Queryable, employments: ImportedEmployment[]): Promise<number> {
  if (employments.length === 0) return 0;
  const params: unknown[] = [];
  const values: string[] = [];
  for (const e of employments) {
    const n = params.length;
    values.push(
      `($${n + 1},$${n + 2},$${n + 3},$${n + 4},$${n + 5},$${n + 6}::date,$${n + 7}::date,$${n + 8},$${n + 9})`,
    );
    params.push(
      randomUUID(),
      e.personId,
      e.abonneeId,
      e.rolCode,
      e.rolCodeBron,
      e.startDate,
      e.endDate,
      e.agb,
      e.importKey,
    );
  }
  const inserted = await tx.query(
    `INSERT INTO employments (id, person_id, abonnee_id, rol_code, rol_code_bron, start_date, end_date, agb, import_key)
     VALUES ${values.join(',')} ON CONFLICT (import_key) DO NOTHING RETURNING id`,
    params,
  );
  return inserted.length;
}
