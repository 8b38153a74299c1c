// A suspended, deceased or ended person gets no verklaring, whatever means they hold.
import type { Person } from '../../register/register.ts';
import { LoginRefused, problem } from '../outcomes.ts';

export function personActive(person: Person): void {
  if (person.status !== 'active') {
    throw new LoginRefused(`person_${person.status}`, problem('person_inactive'), {
      actor: person.deziNummer,
    });
  }
}
