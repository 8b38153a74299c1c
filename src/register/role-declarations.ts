// Self-declared roles (zelfverklaringen): a care worker without a BIG profession declares the role
// they work in at one of their employments, from the role table's non-BIG codes. Nothing changes
// until the abonnee's administrator (or the abonnee's system) confirms it: then the employment's
// role becomes the declared one with the source 'zelfverklaring', and the verklaringen that stated
// the old role are invalidated, in the same transaction. The administrator may refuse it instead;
// the person may withdraw it while it waits. Every step is audited.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { Actor } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { ABONNEE_COLUMNS, toAbonnee, type AbonneeRow } from './abonnees.ts';
import { audit, type RegisterContext } from './context.ts';
import { byId as employmentById } from './employments.ts';
import { deciderOf } from './mandates.ts';
import { RegisterError } from './errors.ts';
import { roleByCode, roleTable, type Role } from './roles.ts';
import type { Abonnee } from './types.ts';

export type RoleDeclarationStatus = 'pending' | 'confirmed' | 'refused' | 'withdrawn';

export interface RoleDeclaration {
  id: string;
  employmentId: string;
  abonnee: Abonnee;
  person: {
    personId: string;
    deziNummer: string;
    voorletters: string;
    voorvoegsel: string | null;
    achternaam: string;
  };
  rolCode: string;
  rolNaam: string;
  status: RoleDeclarationStatus;
  declaredAt: Date;
  decidedAt: Date | null;
  /** Who confirmed, refused or withdrew it: a Dezi-nummer, operator:<name> or system:<API client id>. */
  decidedBy: string | null;
}

export type RoleDeclarationRefusalReason =
  | 'not_found'
  | 'big_role'
  | 'unknown_role'
  | 'big_profession'
  | 'employment_ended'
  | 'already_pending'
  | 'not_pending'
  | 'own_declaration';

const REASON_CODE: Record<RoleDeclarationRefusalReason, RegisterError['code']> = {
  not_found: 'not_found',
  big_role: 'conflict',
  unknown_role: 'invalid',
  big_profession: 'invalid',
  employment_ended: 'conflict',
  already_pending: 'conflict',
  not_pending: 'conflict',
  own_declaration: 'forbidden',
};

export class RoleDeclarationRefused extends RegisterError {
  override name = 'RoleDeclarationRefused';
  readonly reason: RoleDeclarationRefusalReason;
  constructor(reason: RoleDeclarationRefusalReason, message: string) {
    super(message, REASON_CODE[reason]);
    this.reason = reason;
  }
}

/** The roles a person may declare: the role table's codes that are not BIG professions. */
export function declarableRoles(): Role[] {
  return [...roleTable().values()].filter((r) => !r.big);
}

interface Row extends AbonneeRow {
  d_id: string;
  employment_id: string;
  rol_code: string;
  d_status: RoleDeclarationStatus;
  declared_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  p_id: string;
  dezi_nummer: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
}

const SELECT = `
  SELECT d.id AS d_id, d.employment_id, d.rol_code, d.status AS d_status, d.declared_at, d.decided_at,
         d.decided_by, p.id AS p_id, p.dezi_nummer, p.voorletters, p.voorvoegsel, p.achternaam, ${ABONNEE_COLUMNS}
  FROM role_declarations d
  JOIN persons p ON p.id = d.person_id
  JOIN abonnees a ON a.id = d.abonnee_id`;

const ORDER = "ORDER BY d.status <> 'pending', d.declared_at DESC, d.id";

function toDeclaration(r: Row): RoleDeclaration {
  return {
    id: r.d_id,
    employmentId: r.employment_id,
    abonnee: toAbonnee(r),
    person: {
      personId: r.p_id,
      deziNummer: r.dezi_nummer,
      voorletters: r.voorletters,
      voorvoegsel: r.voorvoegsel,
      achternaam: r.achternaam,
    },
    rolCode: r.rol_code,
    rolNaam: roleByCode(r.rol_code)?.naam ?? r.rol_code,
    status: r.d_status,
    declaredAt: new Date(r.declared_at),
    decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
    decidedBy: r.decided_by,
  };
}

export async function get(q: Queryable, id: string): Promise<RoleDeclaration | null> {
  if (!isUuid(id)) return null;
  const [row] = await q.query<Row>(`${SELECT} WHERE d.id = $1`, [id]);
  return row ? toDeclaration(row) : null;
}

/**
 * The person declares a role for one of their own employments. The employment must be active and
 * not hold a role from the BIG-register (that role needs no declaration and may not be replaced by
 * one); the role must be a known code that is not a BIG profession.
 */
export async function declare(
  c: RegisterContext,
  d: { personId: string; employmentId: string; rolCode: string },
  actor: Actor,
): Promise<RoleDeclaration> {
  const role = roleByCode(d.rolCode);
  if (!role) throw new RoleDeclarationRefused('unknown_role', `unknown role code ${d.rolCode}`);
  if (role.big)
    throw new RoleDeclarationRefused(
      'big_profession',
      `${role.code} (${role.naam}) is a BIG profession: only the BIG-register states it`,
    );
  return c.db.transaction(async (tx) => {
    const employment = await employmentById(tx, d.employmentId, true);
    if (!employment || employment.personId !== d.personId)
      throw new RoleDeclarationRefused('not_found', 'employment not found');
    if (employment.status === 'ended' || employment.abonnee.status !== 'active')
      throw new RoleDeclarationRefused('employment_ended', 'the employment has ended');
    if (employment.roleSource === 'big')
      throw new RoleDeclarationRefused(
        'big_role',
        'this employment holds a role from the BIG-register; it cannot be replaced by a declaration',
      );
    const [pending] = await tx.query(
      "SELECT 1 FROM role_declarations WHERE employment_id = $1 AND status = 'pending'",
      [employment.id],
    );
    if (pending)
      throw new RoleDeclarationRefused(
        'already_pending',
        'a declaration for this employment waits for the abonnee; withdraw it first',
      );
    const id = randomUUID();
    await tx.query(
      `INSERT INTO role_declarations (id, employment_id, person_id, abonnee_id, rol_code)
       VALUES ($1, $2, $3, $4, $5)`,
      [id, employment.id, d.personId, employment.abonnee.id, role.code],
    );
    await audit(tx, actor, 'register.role_declaration.declare', `role_declaration:${id}`, {
      abonnee_nummer: employment.abonnee.abonneeNummer,
      employment_id: employment.id,
      rol_code: role.code,
      previous_rol_code: employment.rolCode,
    });
    return (await get(tx, id))!;
  });
}

/** Locks a pending declaration that `may` allows the caller to see; another's is not found. */
async function lockPending(
  tx: Queryable,
  id: string,
  may: (d: RoleDeclaration) => boolean,
): Promise<RoleDeclaration> {
  if (!isUuid(id)) throw new RoleDeclarationRefused('not_found', 'role declaration not found');
  await tx.query('SELECT id FROM role_declarations WHERE id = $1 FOR UPDATE', [id]);
  const d = await get(tx, id);
  if (!d || !may(d)) throw new RoleDeclarationRefused('not_found', 'role declaration not found');
  if (d.status !== 'pending')
    throw new RoleDeclarationRefused('not_pending', `the declaration is ${d.status}, not pending`);
  return d;
}

/** Nobody confirms or refuses their own declaration: that is what the abonnee's confirmation is for. */
function notOwn(d: RoleDeclaration, actor: Actor): void {
  if (actor.kind === 'person' && actor.deziNummer === d.person.deziNummer)
    throw new RoleDeclarationRefused(
      'own_declaration',
      'another administrator of the abonnee confirms or refuses your own declaration',
    );
}

async function decide(
  tx: Queryable,
  d: RoleDeclaration,
  status: 'confirmed' | 'refused' | 'withdrawn',
  actor: Actor,
): Promise<void> {
  await tx.query(
    'UPDATE role_declarations SET status = $2, decided_at = now(), decided_by = $3 WHERE id = $1',
    [d.id, status, deciderOf(actor)],
  );
}

/**
 * The abonnee confirms: the employment's role becomes the declared one (source zelfverklaring) and
 * the verklaringen that stated the old role are invalidated, all in one transaction.
 */
export async function confirm(
  c: RegisterContext,
  id: string,
  abonneeId: string,
  actor: Actor,
): Promise<RoleDeclaration> {
  return c.db.transaction(async (tx) => {
    const d = await lockPending(tx, id, (d) => d.abonnee.id === abonneeId);
    notOwn(d, actor);
    const employment = await employmentById(tx, d.employmentId, true);
    if (!employment || employment.status === 'ended')
      throw new RoleDeclarationRefused('employment_ended', 'the employment has ended');
    if (employment.roleSource === 'big')
      throw new RoleDeclarationRefused(
        'big_role',
        'the employment holds a role from the BIG-register now; the declaration cannot replace it',
      );
    await decide(tx, d, 'confirmed', actor);
    await tx.query(
      "UPDATE employments SET rol_code = $2, rol_code_bron = 'zelfverklaring', updated_at = now() WHERE id = $1",
      [employment.id, d.rolCode],
    );
    await audit(tx, actor, 'register.role_declaration.confirm', `role_declaration:${id}`, {
      abonnee_nummer: d.abonnee.abonneeNummer,
      dezi_nummer: d.person.deziNummer,
      employment_id: employment.id,
      rol_code: d.rolCode,
      previous_rol_code: employment.rolCode,
    });
    await c.invalidated(tx, { employmentId: employment.id }, 'role_changed', actor);
    return (await get(tx, id))!;
  });
}

/** The abonnee refuses: nothing changes at the employment. */
export async function refuse(
  c: RegisterContext,
  id: string,
  abonneeId: string,
  actor: Actor,
): Promise<RoleDeclaration> {
  return c.db.transaction(async (tx) => {
    const d = await lockPending(tx, id, (d) => d.abonnee.id === abonneeId);
    notOwn(d, actor);
    await decide(tx, d, 'refused', actor);
    await audit(tx, actor, 'register.role_declaration.refuse', `role_declaration:${id}`, {
      abonnee_nummer: d.abonnee.abonneeNummer,
      dezi_nummer: d.person.deziNummer,
      rol_code: d.rolCode,
    });
    return (await get(tx, id))!;
  });
}

/** The person withdraws their own declaration while it waits. */
export async function withdraw(
  c: RegisterContext,
  id: string,
  personId: string,
  actor: Actor,
): Promise<RoleDeclaration> {
  return c.db.transaction(async (tx) => {
    const d = await lockPending(tx, id, (d) => d.person.personId === personId);
    await decide(tx, d, 'withdrawn', actor);
    await audit(tx, actor, 'register.role_declaration.withdraw', `role_declaration:${id}`, {
      abonnee_nummer: d.abonnee.abonneeNummer,
      rol_code: d.rolCode,
    });
    return (await get(tx, id))!;
  });
}

/** The person's declarations: waiting ones first, then newest first. */
export async function ofPerson(c: RegisterContext, personId: string): Promise<RoleDeclaration[]> {
  if (!isUuid(personId)) return [];
  return (await c.db.query<Row>(`${SELECT} WHERE d.person_id = $1 ${ORDER}`, [personId])).map(toDeclaration);
}

/** The abonnee's declarations: waiting ones first, then newest first. */
export async function ofAbonnee(c: RegisterContext, abonneeId: string): Promise<RoleDeclaration[]> {
  if (!isUuid(abonneeId)) return [];
  return (await c.db.query<Row>(`${SELECT} WHERE d.abonnee_id = $1 ${ORDER}`, [abonneeId])).map(
    toDeclaration,
  );
}
