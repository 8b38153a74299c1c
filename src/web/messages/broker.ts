// Texts of the login flow's own pages beyond the core ones, Dutch first; kept apart so that
// features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const brokerMessages = {
  // The eIDAS levels of assurance in words, as the person reads them.
  'broker.loa.low': { nl: 'laag', en: 'low' },
  'broker.loa.substantial': { nl: 'substantieel', en: 'substantial' },
  'broker.loa.high': { nl: 'hoog', en: 'high' },
  'broker.loa_too_low.title': {
    nl: 'Betrouwbaarheidsniveau te laag',
    en: 'Level of assurance too low',
  },
  'broker.loa_too_low.body': {
    nl: 'U bent met {means} ingelogd op betrouwbaarheidsniveau {reached}, maar {client} vraagt ten minste betrouwbaarheidsniveau {required}.',
    en: 'You logged in with {means} at level of assurance {reached}, but {client} requires at least level of assurance {required}.',
  },
  'broker.loa_too_low.body_unknown': {
    nl: 'U bent met {means} niet ingelogd op het betrouwbaarheidsniveau dat {client} vraagt: ten minste {required}.',
    en: 'You did not log in with {means} at the level of assurance that {client} requires: at least {required}.',
  },
  'broker.loa_too_low.alternatives': {
    nl: 'Ga verder met een inlogmiddel op betrouwbaarheidsniveau {required}',
    en: 'Continue with a login means at level of assurance {required}',
  },
  'broker.loa_too_low.none': {
    nl: 'Er is op dit moment geen ander inlogmiddel beschikbaar dat dit niveau haalt. Probeer het later opnieuw.',
    en: 'No other login means that reaches this level is available at the moment. Please try again later.',
  },
} as const satisfies Messages;
