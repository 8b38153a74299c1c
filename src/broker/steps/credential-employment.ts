// A Dezi credential from a wallet names one employment (abonnee and role): the login is for that one,
// and only while the register still has it active. The credential may be older than a change in the
// register that its status list has not caught up with yet; the register decides.
import type { CredentialEmployment } from '../../means/means.ts';
import type { Employment, Person } from '../../register/register.ts';
import { LoginRefused, problem } from '../outcomes.ts';

export function credentialEmployment(
  person: Person,
  employments: Employment[],
  named: CredentialEmployment,
): Employment {
  const found = employments.find(
    (e) => e.abonnee.abonneeNummer === named.abonneeNummer && e.rolCode === named.rolCode,
  );
  if (!found) {
    throw new LoginRefused('credential_employment_ended', problem('credential_employment_ended'), {
      actor: person.deziNummer,
      detail: { abonnee_nummer: named.abonneeNummer, rol_code: named.rolCode },
    });
  }
  return found;
}
