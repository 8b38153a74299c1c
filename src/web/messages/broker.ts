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
  // A means that names a person only through a link (eIDAS, a market means), not linked yet.
  'error.means_not_linked.title': {
    nl: 'Dit inlogmiddel is nog niet gekoppeld',
    en: 'This login means is not linked yet',
  },
  'error.means_not_linked.body': {
    nl: 'Het inloggen is gelukt, maar dit inlogmiddel hoort nog bij geen zorgidentiteit in het Dezi-register. Koppel het eerst: log in bij Mijn Dezi met DigiD of een ander inlogmiddel dat al gekoppeld is, kies "Een inlogmiddel koppelen" en log daar in met dit inlogmiddel. Daarna kunt u er ook hier mee inloggen. Hebt u geen ander inlogmiddel, neem dan contact op met de servicedesk: die kan het voor u koppelen.',
    en: 'You logged in, but this login means belongs to no health-care identity in the Dezi register yet. Link it first: log in to Mijn Dezi with DigiD or another login means that is already linked, choose "Link a login means" and log in there with this login means. You can then use it here too. If you have no other login means, contact the service desk: it can link it for you.',
  },
  'error.means_not_linked.to_portal': { nl: 'Naar Mijn Dezi', en: 'To Mijn Dezi' },
} as const satisfies Messages;
