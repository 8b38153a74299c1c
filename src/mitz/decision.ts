// The decision on a closed question, from the choices a citizen made: pure, so that the question,
// the notifications and MijnMitz's summary all decide the same way.
//
//  - A choice applies when its provider sides match (its category, or every category) and its data
//    category covers the question's: a "yes" covers its own category and every lower one, a "no"
//    its own and every higher one (which holds the lower data).
//  - Of the choices that apply, the most specific wins: the one naming more provider categories
//    (raadpleger, dossierhouder) instead of "every category"; at equal specificity a "no" wins.
//  - No choice applies: NotApplicable, except for purpose COC (assumed consent), which is Permit.
import {
  ALL,
  GEGEVENSCATEGORIEEN,
  type CategoryOrAll,
  type Gegevenscategorie,
  type Purpose,
  type Zorgaanbiedercategorie,
} from './codes.ts';

export interface Choice {
  gegevenscategorie: Gegevenscategorie;
  dossierhouder: CategoryOrAll;
  raadpleger: CategoryOrAll;
  permit: boolean;
}

export interface Question {
  gegevenscategorie: Gegevenscategorie;
  dossierhouder: Zorgaanbiedercategorie;
  raadpleger: Zorgaanbiedercategorie;
  purpose: Purpose;
}

export type Decision = 'Permit' | 'Deny' | 'NotApplicable';

const level = (c: Gegevenscategorie) => GEGEVENSCATEGORIEEN[c].level;

export function applies(choice: Choice, q: Omit<Question, 'purpose'>): boolean {
  if (choice.dossierhouder !== ALL && choice.dossierhouder !== q.dossierhouder) return false;
  if (choice.raadpleger !== ALL && choice.raadpleger !== q.raadpleger) return false;
  return choice.permit
    ? level(choice.gegevenscategorie) >= level(q.gegevenscategorie)
    : level(choice.gegevenscategorie) <= level(q.gegevenscategorie);
}

const specificity = (c: Choice) => (c.dossierhouder === ALL ? 0 : 1) + (c.raadpleger === ALL ? 0 : 1);

/** The choices that decide the question (the most specific that apply), and the decision. */
export function decide(choices: readonly Choice[], q: Question): { decision: Decision; decisive: Choice[] } {
  const applicable = choices.filter((c) => applies(c, q));
  if (applicable.length === 0)
    return { decision: q.purpose === 'COC' ? 'Permit' : 'NotApplicable', decisive: [] };
  const top = Math.max(...applicable.map(specificity));
  const decisive = applicable.filter((c) => specificity(c) === top);
  return { decision: decisive.some((c) => !c.permit) ? 'Deny' : 'Permit', decisive };
}
