// The means proved who logged in; the register must know them.
import type { Person } from '../../register/register.ts';
import { LoginRefused, problem } from '../outcomes.ts';

export function personKnown(person: Person | null): asserts person is Person {
  if (!person) throw new LoginRefused('unknown_person', problem('unknown_person'));
}
