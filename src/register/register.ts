// The Dezi-register: persons (zorgmedewerkers), abonnees (zorgaanbieders), employments (koppelingen)
// and linked login means. Other modules reach its tables only through this facade; the work is done
// by one module per entity (persons.ts, abonnees.ts, administrators.ts, employments.ts,
// linked-means.ts) and the BSN vault (bsn-vault.ts). Every write is audited in the same transaction,
// and every change that makes a verklaring untrue reports it to onInvalidated in that transaction,
// so that the change and the revocation commit together. The register knows nothing of verklaringen.
import { withinTransaction, type Database, type Queryable, type Transaction } from '../db/database.ts';
import type { Secrets } from '../secrets.ts';
import type { MeansSubject } from '../means/means.ts';
import { SYSTEM, type Actor } from '../audit/audit.ts';
import type { Bsn } from '../means/bsn.ts';
import { FileBigRegister, type BigRegister } from './big.ts';
import { BsnVault } from './bsn-vault.ts';
import type { RegisterContext } from './context.ts';
import type { RoleSource } from './roles.ts';
import * as abonnees from './abonnees.ts';
import * as administrators from './administrators.ts';
import * as employments from './employments.ts';
import * as linkedMeans from './linked-means.ts';
import { Mandates } from './mandate-facade.ts';
import * as persons from './persons.ts';
import { RoleDeclarations } from './role-declaration-facade.ts';
import * as search from './search.ts';
import { staffOf, type StaffPage, type StaffQuery } from './staff.ts';
import type {
  Abonnee,
  AbonneeStatus,
  Employment,
  LinkedMeans,
  Name,
  NameHistoryEntry,
  NewAbonnee,
  NewEmployment,
  NewPerson,
  OnInvalidated,
  Person,
  PersonRegistration,
  PersonStatus,
} from './types.ts';

export * from './types.ts';
export { BigRoleError, ConflictError, NotFoundError, RegisterError } from './errors.ts';
export { checkRoleCode } from './employments.ts';
export { MandateRefused, MAX_MANDATE_YEARS } from './mandates.ts';
export type {
  Mandate,
  MandateParty,
  MandateRefusalReason,
  MandateStatement,
  MandateStatus,
  NewMandate,
  UsableMandate,
} from './mandates.ts';
export { declarableRoles, RoleDeclarationRefused } from './role-declarations.ts';
export type {
  RoleDeclaration,
  RoleDeclarationRefusalReason,
  RoleDeclarationStatus,
} from './role-declarations.ts';
export type { Mandates } from './mandate-facade.ts';
export type { RoleDeclarations } from './role-declaration-facade.ts';
export { today } from './context.ts';
export { STAFF_SORTS, type StaffMember, type StaffPage, type StaffQuery, type StaffSort } from './staff.ts';

export interface RegisterOptions {
  /** Where BIG roles are checked; by default the file named in the configuration. */
  big?: BigRegister;
  /**
   * Required: revokes the verklaringen a change makes untrue, in the change's transaction. A
   * register without it would let a name change leave the old name's verklaring valid.
   */
  onInvalidated: OnInvalidated;
}

export class Register {
  readonly #c: RegisterContext;
  readonly #secrets: Secrets;
  /** Mandates: given, accepted, ended; the ones a person may log in with (mandates.ts). */
  readonly mandates: Mandates;
  /** Self-declared roles and the abonnee's confirmation (role-declarations.ts). */
  readonly roleDeclarations: RoleDeclarations;

  constructor(db: Database, secrets: Secrets, options: RegisterOptions) {
    this.#secrets = secrets;
    this.#c = {
      db,
      vault: new BsnVault(secrets),
      big: options.big ?? FileBigRegister.fromFile(),
      invalidated: options.onInvalidated,
    };
    this.mandates = new Mandates(this.#c);
    this.roleDeclarations = new RoleDeclarations(this.#c);
  }

  // --- BSN protection (bsn-vault.ts) ----------------------------------------------------------

  bsnIndex(bsn: Bsn): string {
    return this.#c.vault.index(bsn);
  }

  /** The BSN sealed for one person: the person id is bound as additional data. */
  sealBsn(bsn: Bsn, personId: string): Buffer {
    return this.#c.vault.seal(bsn, personId);
  }

  get keyId(): string {
    return this.#c.vault.keyId;
  }

  /** The person's BSN, decrypted; for the register's own use (never logged, never shown). */
  revealBsn(personId: string, actor: Actor): Promise<Bsn> {
    return persons.revealBsn(this.#c, personId, actor);
  }

  // --- persons (persons.ts) -------------------------------------------------------------------

  findPersonByBsn(bsn: Bsn, actor?: Actor): Promise<Person | null> {
    return persons.findByBsn(this.#c, bsn, actor);
  }

  findPersonByDeziNummer(deziNummer: string, actor?: Actor): Promise<Person | null> {
    return persons.findByDeziNummer(this.#c, deziNummer, actor);
  }

  getPerson(id: string, actor?: Actor): Promise<Person | null> {
    return persons.get(this.#c, id, actor);
  }

  /** Whether the person may act today (status active): for a login recorded earlier, say. */
  isActivePerson(personId: string): Promise<boolean> {
    return persons.isActive(this.#c, personId);
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
      case 'linked':
        return linkedMeans.personOf(this.#c, subject.meansId, subject.subject);
      case 'dezi-nummer':
        return this.findPersonByDeziNummer(subject.deziNummer);
    }
  }

  /**
   * Registers a person, allocating a Dezi-nummer. One person per BSN: when the BSN is already in the
   * register (also when another registration for it commits concurrently), that person is returned.
   */
  registerPerson(p: PersonRegistration, actor: Actor): Promise<Person> {
    return persons.register(this.#c, p, actor);
  }

  /** A person with a carried-over number (UZI-nummer); the import and the proeftuin seed use it. */
  createPerson(p: NewPerson, tx?: Queryable, actor: Actor = SYSTEM): Promise<Person> {
    return persons.create(this.#c, p, tx, actor);
  }

  /** A name change keeps every means and employment; it revokes the verklaringen with the old name. */
  changeName(personId: string, name: Name, actor: Actor): Promise<Person> {
    return persons.changeName(this.#c, personId, name, actor);
  }

  /** Every name the person had, oldest first, ending with the current one (until: null). */
  nameHistory(personId: string): Promise<NameHistoryEntry[]> {
    return persons.nameHistory(this.#c, personId);
  }

  /** Suspending or ending a person revokes every verklaring of theirs at once. */
  setPersonStatus(personId: string, status: PersonStatus, actor: Actor): Promise<Person> {
    return persons.setStatus(this.#c, personId, status, actor);
  }

  /** Persons by Dezi-nummer or part of the name, for the operator (search.ts); never by BSN. */
  searchPersons(query: string): Promise<Person[]> {
    return search.searchPersons(this.#c, query);
  }

  // --- abonnees (abonnees.ts) -----------------------------------------------------------------

  /** Abonnees by abonnee-nummer or part of the name, for the operator (search.ts). */
  searchAbonnees(query: string): Promise<Abonnee[]> {
    return search.searchAbonnees(this.#c, query);
  }

  createAbonnee(a: NewAbonnee, actor: Actor, tx?: Queryable): Promise<Abonnee> {
    return abonnees.create(this.#c, a, actor, tx);
  }

  findAbonnee(abonneeNummer: string): Promise<Abonnee | null> {
    return abonnees.find(this.#c, abonneeNummer);
  }

  getAbonnee(id: string, q: Queryable = this.#c.db): Promise<Abonnee | null> {
    return abonnees.get(q, id);
  }

  /** Changes an abonnee's name, KvK or AGB (not its number, not its status). */
  updateAbonnee(
    abonneeId: string,
    changes: { naam?: string; kvk?: string; agb?: string | null },
    actor: Actor,
  ): Promise<Abonnee> {
    return abonnees.update(this.#c, abonneeId, changes, actor);
  }

  /** Suspending or ending an abonnee revokes every verklaring issued for it at once. */
  setAbonneeStatus(abonneeId: string, status: AbonneeStatus, actor: Actor): Promise<Abonnee> {
    return abonnees.setStatus(this.#c, abonneeId, status, actor);
  }

  // --- who administers an abonnee (administrators.ts: the one rule) ---------------------------

  /** Appoints the person administrator of the abonnee; they act as one while the rule holds. */
  addAbonneeAdministrator(abonneeId: string, personId: string, actor: Actor): Promise<void> {
    return administrators.appoint(this.#c, abonneeId, personId, actor);
  }

  removeAbonneeAdministrator(abonneeId: string, personId: string, actor: Actor): Promise<void> {
    return administrators.dismiss(this.#c, abonneeId, personId, actor);
  }

  /** The persons appointed for the abonnee, whether or not the rule holds for them today. */
  abonneeAdministrators(abonneeId: string): Promise<Person[]> {
    return administrators.appointed(this.#c, abonneeId);
  }

  /**
   * Whether the person administers the abonnee today: appointed, active, with an active employment
   * at the abonnee, which is active (administrators.ts).
   */
  isAbonneeAdministrator(abonneeId: string, personId: string): Promise<boolean> {
    return administrators.administers(this.#c, abonneeId, personId);
  }

  /** The abonnees the person administers today (the same rule), by name. */
  administeredAbonnees(personId: string): Promise<Abonnee[]> {
    return administrators.administeredBy(this.#c, personId);
  }

  /** The abonnee the person administers through this employment (chosen at login), or null. */
  administeredThrough(
    personId: string,
    employmentId: string,
  ): Promise<{ abonnee: Abonnee; deziNummer: string } | null> {
    return administrators.administeredThrough(this.#c, personId, employmentId);
  }

  // --- employments (employments.ts) -----------------------------------------------------------

  /**
   * The role rules, for every path that gives a person a role (createEmployment, changeRole, an
   * invitation by Dezi-nummer): a known code; a BIG profession only from the BIG-register, and only
   * when the person holds it there.
   */
  checkRole(person: Person, rolCode: string | null, rolCodeBron: RoleSource | null): Promise<void> {
    return employments.checkRole(this.#c, person, rolCode, rolCodeBron);
  }

  createEmployment(e: NewEmployment, actor: Actor = SYSTEM, tx?: Queryable): Promise<Employment> {
    return employments.create(this.#c, e, actor, tx);
  }

  getEmployment(id: string): Promise<Employment | null> {
    return employments.byId(this.#c.db, id);
  }

  /** A role change revokes the verklaringen that stated the old role. */
  changeRole(
    employmentId: string,
    role: { rolCode: string | null; rolCodeBron: RoleSource | null },
    actor: Actor,
  ): Promise<Employment> {
    return employments.changeRole(this.#c, employmentId, role, actor);
  }

  /** Ends an employment on endDate (default today; the first day no longer worked); revokes its verklaringen. */
  endEmployment(employmentId: string, actor: Actor, endDate?: string): Promise<Employment> {
    return employments.end(this.#c, employmentId, actor, endDate);
  }

  /** Every employment of the abonnee, ended ones too, newest first. */
  employmentsOfAbonnee(abonneeId: string): Promise<Employment[]> {
    return employments.ofAbonnee(this.#c, abonneeId);
  }

  /** The abonnee's staff, a page at a time: searched, sorted, administrators marked (staff.ts). */
  staffOfAbonnee(abonneeId: string, query: StaffQuery): Promise<StaffPage> {
    return staffOf(this.#c, abonneeId, query);
  }

  /** Every employment of the person, ended ones too, newest first. */
  employmentsOfPerson(personId: string): Promise<Employment[]> {
    return employments.ofPerson(this.#c, personId);
  }

  /** Employments that may be used to log in today: started, not ended, at an active abonnee. */
  activeEmployments(personId: string): Promise<Employment[]> {
    return employments.activeOf(this.#c, personId);
  }

  /** The employment if it belongs to the person and is active; null otherwise. */
  activeEmployment(personId: string, employmentId: string): Promise<Employment | null> {
    return employments.active(this.#c, personId, employmentId);
  }

  /** A person with their employments, all or nothing (the proeftuin seed). */
  enrol(
    p: NewPerson & { status?: PersonStatus },
    list: Omit<NewEmployment, 'personId'>[],
    actor: Actor = SYSTEM,
  ): Promise<Person> {
    return this.#c.db.transaction(async (tx) => {
      const person = await persons.create(this.#c, p, tx, actor);
      for (const e of list) await employments.create(this.#c, { personId: person.id, ...e }, actor, tx);
      if (p.status && p.status !== 'active') {
        await persons.setInitialStatus(tx, person.id, p.status);
        return { ...person, status: p.status };
      }
      return person;
    });
  }

  // --- linked login means (linked-means.ts) ---------------------------------------------------

  /** The ids of the login means a person has linked (for offering alternatives when one is down). */
  linkedMeansIds(personId: string): Promise<string[]> {
    return linkedMeans.meansIdsOf(this.#c, personId);
  }

  /** Links a means' subject to a person; a subject already linked to someone else is refused. */
  linkMeans(personId: string, meansId: string, subject: string, actor: Actor = SYSTEM): Promise<LinkedMeans> {
    return linkedMeans.link(this.#c, personId, meansId, subject, actor);
  }

  listLinkedMeans(personId: string): Promise<LinkedMeans[]> {
    return linkedMeans.listOf(this.#c, personId);
  }

  unlinkMeans(personId: string, linkId: string, actor: Actor): Promise<void> {
    return linkedMeans.unlink(this.#c, personId, linkId, actor);
  }

  /** Marks one linked means as preferred; the person's other links lose the mark. */
  setPreferredMeans(personId: string, linkId: string, actor: Actor): Promise<void> {
    return linkedMeans.setPreferred(this.#c, personId, linkId, actor);
  }

  /**
   * Runs fn with a Register whose every statement is part of one transaction (its own transactions
   * become savepoints): fn's changes are committed together, or not at all.
   */
  async inOneTransaction<T>(fn: (register: Register, tx: Transaction) => Promise<T>): Promise<T> {
    return this.#c.db.transaction((tx) =>
      fn(
        new Register(withinTransaction(tx, this.#c.db.kind), this.#secrets, {
          big: this.#c.big,
          onInvalidated: this.#c.invalidated,
        }),
        tx,
      ),
    );
  }

  // --- bulk import (import.ts) ----------------------------------------------------------------

  /** For the importer: the database, to run a batch in one transaction. */
  get database(): Database {
    return this.#c.db;
  }

  /**
   * For the importer (register/import.ts) only: what the entity modules' bulk writes need. Not for
   * other folders: they use the methods above, which audit and keep the register's rules.
   */
  get context(): RegisterContext {
    return this.#c;
  }
}
