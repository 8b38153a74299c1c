// A zorgidentiteit is a person at an abonnee in a role: without an active employment there is none.
import type { Employment, Person } from '../../register/register.ts';
import { LoginRefused, problem } from '../outcomes.ts';

export function hasEmployment(person: Person, employments: Employment[]): void {
  if (employments.length === 0) {
    throw new LoginRefused('no_employment', problem('no_employment'), { actor: person.deziNummer });
  }
}
