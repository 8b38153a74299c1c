// The means proved who logged in; the register must know them. A subject that names a person only
// through a link (an eIDAS PersonIdentifier, a market means' account) gets the page on linking it.
import type { MeansSubject } from '../../means/means.ts';
import type { Person } from '../../register/register.ts';
import { LoginRefused, problem } from '../outcomes.ts';

export function personKnown(person: Person | null, subject: MeansSubject | null): asserts person is Person {
  if (!person)
    throw new LoginRefused(
      'unknown_person',
      problem(subject?.kind === 'linked' ? 'means_not_linked' : 'unknown_person'),
    );
}
