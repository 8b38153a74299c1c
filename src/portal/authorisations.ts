// The proeftuin's abonnee administrators. Who administers an abonnee (appointed, with an active
// employment there, both active) is one rule in the register: register/administrators.ts, reached
// through Register.isAbonneeAdministrator, administeredAbonnees and administeredThrough.
import { SYSTEM } from '../audit/audit.ts';
import type { Register } from '../register/register.ts';

/** The proeftuin's administrators (idempotent: every start may run it). */
export async function seedAdmins(
  register: Register,
  admins: { deziNummer: string; abonneeNummer: string }[],
): Promise<void> {
  for (const a of admins) {
    const [person, abonnee] = await Promise.all([
      register.findPersonByDeziNummer(a.deziNummer),
      register.findAbonnee(a.abonneeNummer),
    ]);
    if (!person || !abonnee) continue;
    // Appointed already (whether or not the rule holds today): nothing to do, nothing to audit.
    if ((await register.abonneeAdministrators(abonnee.id)).some((p) => p.id === person.id)) continue;
    await register.addAbonneeAdministrator(abonnee.id, person.id, SYSTEM);
  }
}
