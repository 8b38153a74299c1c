// Invitations: an abonnee asks a person to take up an employment; the person accepts in Mijn Dezi.
// By Dezi-nummer (the person sees it in Mijn Dezi) or with a one-time registration code that the
// abonnee hands over (for someone who registers first). Only a hash of the code is stored.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { Actor } from '../audit/audit.ts';
import type { RoleSource } from './roles.ts';
import { checkRoleCode, RegisterError, type Person, type Register } from './register.ts';

export const INVITATION_DAYS = 14;

export type InvitationStatus = 'pending' | 'accepted' | 'withdrawn' | 'declined' | 'expired';

export interface Invitation {
  id: string;
  abonneeId: string;
  abonneeNummer: string;
  abonneeNaam: string;
  deziNummer: string | null;
  rolCode: string | null;
  rolCodeBron: RoleSource | null;
  status: InvitationStatus;
  expiresAt: Date;
  employmentId: string | null;
}

/** Why an invitation cannot be made or accepted; the message is safe to show. */
export class InvitationError extends RegisterError {
  override name = 'InvitationError';
  constructor(code: 'not_found' | 'invalid' | 'conflict', message: string) {
    super(message, code);
  }
}

interface Row {
  id: string;
  abonnee_id: string;
  abonnee_nummer: string;
  abonnee_naam: string;
  dezi_nummer: string | null;
  rol_code: string | null;
  rol_code_bron: RoleSource | null;
  status: 'pending' | 'accepted' | 'withdrawn' | 'declined';
  expires_at: Date;
  employment_id: string | null;
}

const SELECT = `SELECT i.id, i.abonnee_id, a.abonnee_nummer, a.naam AS abonnee_naam, i.dezi_nummer, i.rol_code,
  i.rol_code_bron, i.status, i.expires_at, i.employment_id
  FROM invitations i JOIN abonnees a ON a.id = i.abonnee_id`;

function toInvitation(r: Row): Invitation {
  const expiresAt = new Date(r.expires_at);
  return {
    id: r.id,
    abonneeId: r.abonnee_id,
    abonneeNummer: r.abonnee_nummer,
    abonneeNaam: r.abonnee_naam,
    deziNummer: r.dezi_nummer,
    rolCode: r.rol_code,
    rolCodeBron: r.rol_code_bron,
    status: r.status === 'pending' && expiresAt.getTime() <= Date.now() ? 'expired' : r.status,
    expiresAt,
    employmentId: r.employment_id,
  };
}

// No 0/O, 1/I/L: read aloud or typed over without confusion. 12 characters: 60 bits.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE = /^[A-Z2-9]{4}-?[A-Z2-9]{4}-?[A-Z2-9]{4}$/;

function newCode(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

export function normaliseCode(input: string): string | null {
  const code = input.trim().toUpperCase().replace(/\s+/g, '');
  return CODE.test(code) ? code.replace(/-/g, '') : null;
}

const hashCode = (normalised: string) =>
  createHash('sha256').update(`dezi-invitation:${normalised}`).digest('base64url');

export class Invitations {
  readonly #db: Database;
  readonly #register: Register;

  constructor(db: Database, register: Register) {
    this.#db = db;
    this.#register = register;
  }

  /**
   * Invites by Dezi-nummer, or (deziNummer null) creates a one-time registration code. By
   * Dezi-nummer the person is known, so the role is checked now as the register will check it at
   * acceptance (a BIG role the person does not hold: BigRoleError); for a code the person is unknown
   * until it is used, so a BIG role is checked then only.
   */
  async create(
    i: {
      abonneeId: string;
      deziNummer: string | null;
      rolCode: string | null;
      rolCodeBron: RoleSource | null;
    },
    createdBy: string,
  ): Promise<{ invitation: Invitation; code?: string }> {
    checkRoleCode(i.rolCode, i.rolCodeBron);
    if (i.deziNummer !== null) {
      const person = await this.#register.findPersonByDeziNummer(i.deziNummer);
      if (!person || person.status !== 'active')
        throw new InvitationError('not_found', 'no active person with this Dezi-nummer');
      await this.#register.checkRole(person, i.rolCode, i.rolCodeBron);
    }
    const code = i.deziNummer === null ? newCode() : undefined;
    const id = randomUUID();
    await this.#db.query(
      `INSERT INTO invitations (id, abonnee_id, dezi_nummer, code_hash, rol_code, rol_code_bron, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(days => $8))`,
      [
        id,
        i.abonneeId,
        i.deziNummer,
        code ? hashCode(normaliseCode(code)!) : null,
        i.rolCode,
        i.rolCodeBron,
        createdBy,
        INVITATION_DAYS,
      ],
    );
    return { invitation: (await this.get(id))!, code };
  }

  async get(id: string): Promise<Invitation | null> {
    const [row] = await this.#db.query<Row>(`${SELECT} WHERE i.id = $1`, [id]);
    return row ? toInvitation(row) : null;
  }

  async ofAbonnee(abonneeId: string): Promise<Invitation[]> {
    const rows = await this.#db.query<Row>(`${SELECT} WHERE i.abonnee_id = $1 ORDER BY i.created_at DESC`, [
      abonneeId,
    ]);
    return rows.map(toInvitation);
  }

  /** Pending invitations addressed to this Dezi-nummer. */
  async pendingFor(deziNummer: string): Promise<Invitation[]> {
    const rows = await this.#db.query<Row>(
      `${SELECT} WHERE i.dezi_nummer = $1 AND i.status = 'pending' AND i.expires_at > now()
       AND a.status = 'active' ORDER BY i.created_at`,
      [deziNummer],
    );
    return rows.map(toInvitation);
  }

  /** Withdraws a pending invitation of this abonnee; false when there is none. */
  async withdraw(id: string, abonneeId: string): Promise<boolean> {
    const rows = await this.#db.query(
      `UPDATE invitations SET status = 'withdrawn' WHERE id = $1 AND abonnee_id = $2 AND status = 'pending' RETURNING 1`,
      [id, abonneeId],
    );
    return rows.length === 1;
  }

  /**
   * The person declines a pending invitation addressed to them (by Dezi-nummer); the invitation is
   * returned, now declined, or null when there is none open for them.
   */
  async decline(id: string, deziNummer: string): Promise<Invitation | null> {
    const rows = await this.#db.query<{ id: string }>(
      `UPDATE invitations SET status = 'declined'
       WHERE id::text = $1 AND dezi_nummer = $2 AND status = 'pending' AND expires_at > now() RETURNING id`,
      [id, deziNummer],
    );
    return rows.length === 1 ? this.get(rows[0]!.id) : null;
  }

  /**
   * The person accepts an invitation addressed to them, or one they hold the code of. The
   * invitation is claimed atomically, so that it makes exactly one employment.
   */
  async accept(
    by: { invitationId: string } | { code: string },
    person: Person,
    actor: Actor,
  ): Promise<Invitation> {
    let where: string;
    let params: string[];
    if ('code' in by) {
      const normalised = normaliseCode(by.code);
      if (!normalised) throw new InvitationError('invalid', 'a registration code has 12 letters and digits');
      where = 'i.code_hash = $1';
      params = [hashCode(normalised)];
    } else {
      where = 'i.id::text = $1 AND i.dezi_nummer = $2';
      params = [by.invitationId, person.deziNummer];
    }
    // Claiming the invitation and making the employment is one transaction: an employment the
    // register refuses (a BIG role without a BIG registration) leaves the invitation open.
    const id = await this.#db.transaction(async (tx) => {
      const [row] = await tx.query<{
        id: string;
        abonnee_id: string;
        rol_code: string | null;
        rol_code_bron: RoleSource | null;
      }>(
        `UPDATE invitations i SET status = 'accepted', accepted_at = now()
         FROM abonnees a
         WHERE a.id = i.abonnee_id AND a.status = 'active' AND i.status = 'pending' AND i.expires_at > now()
           AND ${where}
         RETURNING i.id, i.abonnee_id, i.rol_code, i.rol_code_bron`,
        params,
      );
      if (!row) throw new InvitationError('not_found', 'no open invitation found');
      const employment = await this.#register.createEmployment(
        {
          personId: person.id,
          abonneeId: row.abonnee_id,
          rolCode: row.rol_code,
          rolCodeBron: row.rol_code_bron,
        },
        actor,
        tx,
      );
      await tx.query('UPDATE invitations SET employment_id = $2 WHERE id = $1', [row.id, employment.id]);
      return row.id;
    });
    return (await this.get(id))!;
  }
}
