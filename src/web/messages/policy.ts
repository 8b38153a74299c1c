// Texts of one feature, Dutch first; kept apart so that features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const policyMessages = {
  'policy.preferred': { nl: 'Laatst gebruikt op dit apparaat', en: 'Last used on this device' },
  'policy.hinted': { nl: 'Voorgesteld door {client}', en: 'Suggested by {client}' },
  'policy.linked': {
    nl: 'Gekoppeld aan uw zorgidentiteit',
    en: 'Linked to your health-care identity',
  },
  'policy.unavailable': { nl: 'Tijdelijk niet beschikbaar', en: 'Temporarily unavailable' },
  'policy.unavailable.notice': {
    nl: '{means} is tijdelijk niet beschikbaar. Kies een ander inlogmiddel of probeer het later opnieuw.',
    en: '{means} is temporarily unavailable. Choose another login means or try again later.',
  },
  'policy.no_longer_accepted': {
    nl: 'Inloggen met {means} wordt sinds {date} niet meer geaccepteerd door deze zorgapplicatie. Kies een ander inlogmiddel.',
    en: 'Logging in with {means} is no longer accepted by this application since {date}. Choose another login means.',
  },
  'policy.no_longer_accepted.short': {
    nl: 'Niet meer geaccepteerd sinds {date}',
    en: 'No longer accepted since {date}',
  },
  'policy.unavailable.legend': {
    nl: 'Nu niet te gebruiken',
    en: 'Not available now',
  },
  'policy.refused.title': {
    nl: 'Dit inlogmiddel wordt niet geaccepteerd',
    en: 'This login means is not accepted',
  },
  'policy.refused.body': {
    nl: 'Deze zorgapplicatie accepteert dit inlogmiddel niet, of niet op het gevraagde betrouwbaarheidsniveau. Kies een ander inlogmiddel.',
    en: 'This application does not accept this login means, or not at the requested level of assurance. Choose another login means.',
  },
  'policy.choose_other': { nl: 'Kies een ander inlogmiddel', en: 'Choose another login means' },
  'policy.fallback.body': {
    nl: '{means} reageert op dit moment niet. U kunt doorgaan met een ander inlogmiddel.',
    en: '{means} is not responding at the moment. You can continue with another login means.',
  },
  'policy.fallback.none': {
    nl: '{means} reageert op dit moment niet, en er is geen ander inlogmiddel beschikbaar. Probeer het over enkele minuten opnieuw.',
    en: '{means} is not responding at the moment, and no other login means is available. Please try again in a few minutes.',
  },
  'policy.fallback.alternatives': { nl: 'Andere inlogmiddelen', en: 'Other login means' },
  'testmeans.title': {
    nl: 'Inloggen met het testmiddel (proeftuin)',
    en: 'Log in with the test means (proeftuin)',
  },
  'testmeans.intro': {
    nl: 'Dit is het testinlogmiddel van de proeftuin, op betrouwbaarheidsniveau substantieel. Kies een testpersoon.',
    en: 'This is the proeftuin’s test login means, at level of assurance substantial. Choose a test person.',
  },
  'testmeans.person': { nl: 'Testpersoon', en: 'Test person' },
  'testmeans.login': { nl: 'Inloggen', en: 'Log in' },
  'testmeans.cancel': { nl: 'Annuleren', en: 'Cancel' },
} as const satisfies Messages;
