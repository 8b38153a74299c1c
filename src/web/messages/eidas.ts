// Texts of the eIDAS means and its proeftuin stand-in, Dutch first; kept apart so that features do
// not edit one shared file.
import type { Messages } from '../i18n.ts';

export const eidasMessages = {
  'eidas.node.title': {
    nl: 'Inloggen met een Europese eID (proeftuin)',
    en: 'Log in with a European eID (proeftuin)',
  },
  'eidas.node.intro': {
    nl: 'Dit is het nagebootste eIDAS-knooppunt van de proeftuin. Kies het land en de testpersoon waarmee u inlogt.',
    en: 'This is the proeftuin’s stand-in for the eIDAS node. Choose the country and the test person to log in with.',
  },
  'eidas.node.level': {
    nl: 'Gevraagd betrouwbaarheidsniveau: ten minste {level}.',
    en: 'Requested level of assurance: at least {level}.',
  },
  'eidas.node.country.DE': { nl: 'Duitsland', en: 'Germany' },
  'eidas.node.country.BE': { nl: 'België', en: 'Belgium' },
  'eidas.node.identity_hint': {
    nl: 'Geboren {born}, betrouwbaarheidsniveau {level}',
    en: 'Born {born}, level of assurance {level}',
  },
  'eidas.node.identity_missing': { nl: 'Kies een testpersoon.', en: 'Choose a test person.' },
} as const satisfies Messages;
