// Texts of one feature, Dutch first; kept apart so that features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const digidMessages = {
  'digid.idp.title': { nl: 'Inloggen met DigiD (proeftuin)', en: 'Log in with DigiD (proeftuin)' },
  'digid.idp.intro': {
    nl: 'Dit is de nagebootste DigiD van de proeftuin. Kies een testpersoon of typ een BSN.',
    en: 'This is the proeftuin’s stand-in for DigiD. Choose a test person or type a BSN.',
  },
  'digid.idp.level': { nl: 'Gevraagd niveau: DigiD {level}.', en: 'Requested level: DigiD {level}.' },
  // DigiD's own level names (Logius uses them in English too), with the meaning for English pages.
  'digid.level.basis': { nl: 'Basis', en: 'Basis (basic)' },
  'digid.level.midden': { nl: 'Midden', en: 'Midden (medium)' },
  'digid.level.substantieel': { nl: 'Substantieel', en: 'Substantieel (substantial)' },
  'digid.level.hoog': { nl: 'Hoog', en: 'Hoog (high)' },
  'digid.idp.person': { nl: 'Testpersoon', en: 'Test person' },
  'digid.idp.person_none': { nl: '— kies een testpersoon —', en: '— choose a test person —' },
  'digid.idp.bsn': { nl: 'Of typ een BSN', en: 'Or type a BSN' },
  'digid.idp.bsn_hint': {
    nl: '9 cijfers; moet de elfproef doorstaan.',
    en: '9 digits; must pass the elfproef.',
  },
  'digid.idp.bsn_invalid': {
    nl: 'Dit is geen geldig BSN: het moet 9 cijfers hebben en de elfproef doorstaan.',
    en: 'This is not a valid BSN: it must have 9 digits and pass the elfproef.',
  },
  'digid.idp.bsn_missing': {
    nl: 'Kies een testpersoon of typ een BSN.',
    en: 'Choose a test person or type a BSN.',
  },
  // The HTTP-POST binding's page and the buttons of every SAML stand-in (DigiD, the eIDAS node).
  'saml.post.title': { nl: 'Terug naar Dezi', en: 'Back to Dezi' },
  'saml.post.body': {
    nl: 'U bent ingelogd. Ga verder naar Dezi.',
    en: 'You are logged in. Continue to Dezi.',
  },
  'saml.post.submit': { nl: 'Ga verder', en: 'Continue' },
  'saml.idp.login': { nl: 'Inloggen', en: 'Log in' },
  'saml.idp.cancel': { nl: 'Annuleren', en: 'Cancel' },
} as const satisfies Messages;
