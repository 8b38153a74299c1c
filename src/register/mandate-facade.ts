// The register's face for mandates (Register.mandates): the entity module's functions bound to the
// register's context, so that other folders reach the mandates table only through it.
import type { Actor } from '../audit/audit.ts';
import type { RegisterContext } from './context.ts';
import * as mandates from './mandates.ts';
import type { Mandate, MandateEnder, NewMandate, UsableMandate } from './mandates.ts';

export class Mandates {
  readonly #c: RegisterContext;
  constructor(c: RegisterContext) {
    this.#c = c;
  }

  /** Gives a mandate (pending until the colleague accepts); refusals are MandateRefused. */
  give(n: NewMandate, actor: Actor): Promise<Mandate> {
    return mandates.give(this.#c, n, actor);
  }

  get(id: string): Promise<Mandate | null> {
    return mandates.get(this.#c.db, id);
  }

  accept(id: string, mandateePersonId: string, actor: Actor): Promise<Mandate> {
    return mandates.accept(this.#c, id, mandateePersonId, actor);
  }

  decline(id: string, mandateePersonId: string, actor: Actor): Promise<Mandate> {
    return mandates.decline(this.#c, id, mandateePersonId, actor);
  }

  /** Ends it (by either person, or by its abonnee) and revokes the verklaringen issued under it. */
  end(id: string, by: MandateEnder, actor: Actor): Promise<Mandate> {
    return mandates.end(this.#c, id, by, actor);
  }

  givenBy(personId: string): Promise<Mandate[]> {
    return mandates.givenBy(this.#c, personId);
  }

  receivedBy(personId: string): Promise<Mandate[]> {
    return mandates.receivedBy(this.#c, personId);
  }

  ofAbonnee(abonneeId: string): Promise<Mandate[]> {
    return mandates.ofAbonnee(this.#c, abonneeId);
  }

  /** The mandates the person may log in with today at this zorgapplicatie. */
  usableBy(personId: string, clientId: string): Promise<UsableMandate[]> {
    return mandates.usableBy(this.#c, personId, clientId);
  }

  /** One of them, or null. */
  usable(personId: string, mandateId: string, clientId: string): Promise<UsableMandate | null> {
    return mandates.usable(this.#c, personId, mandateId, clientId);
  }
}
