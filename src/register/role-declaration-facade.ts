// The register's face for self-declared roles (Register.roleDeclarations): the entity module's
// functions bound to the register's context.
import type { Actor } from '../audit/audit.ts';
import type { RegisterContext } from './context.ts';
import * as declarations from './role-declarations.ts';
import type { RoleDeclaration } from './role-declarations.ts';

export class RoleDeclarations {
  readonly #c: RegisterContext;
  constructor(c: RegisterContext) {
    this.#c = c;
  }

  /** The person declares a non-BIG role for one of their employments; refusals are RoleDeclarationRefused. */
  declare(
    d: { personId: string; employmentId: string; rolCode: string },
    actor: Actor,
  ): Promise<RoleDeclaration> {
    return declarations.declare(this.#c, d, actor);
  }

  get(id: string): Promise<RoleDeclaration | null> {
    return declarations.get(this.#c.db, id);
  }

  /** The abonnee confirms: the employment's role becomes the declared one (source zelfverklaring). */
  confirm(id: string, abonneeId: string, actor: Actor): Promise<RoleDeclaration> {
    return declarations.confirm(this.#c, id, abonneeId, actor);
  }

  refuse(id: string, abonneeId: string, actor: Actor): Promise<RoleDeclaration> {
    return declarations.refuse(this.#c, id, abonneeId, actor);
  }

  withdraw(id: string, personId: string, actor: Actor): Promise<RoleDeclaration> {
    return declarations.withdraw(this.#c, id, personId, actor);
  }

  ofPerson(personId: string): Promise<RoleDeclaration[]> {
    return declarations.ofPerson(this.#c, personId);
  }

  ofAbonnee(abonneeId: string): Promise<RoleDeclaration[]> {
    return declarations.ofAbonnee(this.#c, abonneeId);
  }
}
