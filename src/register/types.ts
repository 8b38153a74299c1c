// The register's entities as the rest of Dezi sees them. Other folders import these types (the
// verklaring states a Person at an Employment); nothing here imports from outside the register but
// the database and audit types.
import type { Queryable } from '../db/database.ts';
import type { Actor } from '../audit/audit.ts';
import type { Bsn } from '../means/bsn.ts';
import type { RoleSource } from './roles.ts';

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

/**
 * What a change in the register makes untrue: every verklaring resting on this employment, person,
 * abonnee or mandate (a verklaring issued under a mandate rests on the mandator's person and
 * employment too).
 */
export type InvalidatedCriteria =
  { employmentId: string } | { personId: string } | { abonneeId: string } | { mandateId: string };

/**
 * Told in the transaction of the change, before it commits, which verklaringen the change makes
 * untrue (the composition root wires it to the verklaring service). Running in that transaction,
 * the change and the revocation commit together, or neither does.
 */
export type OnInvalidated = (
  tx: Queryable,
  criteria: InvalidatedCriteria,
  reason: string,
  actor: Actor,
) => Promise<unknown>;
