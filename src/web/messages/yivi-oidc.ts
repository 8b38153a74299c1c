// Texts of one feature, Dutch first; kept apart so that features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const yiviOidcMessages = {
  'yivi.title': { nl: 'Inloggen met Yivi', en: 'Log in with Yivi' },
  'yivi.intro': {
    nl: 'Scan de QR-code met de Yivi-app op uw telefoon en deel de gevraagde gegevens.',
    en: 'Scan the QR code with the Yivi app on your phone and share the requested data.',
  },
  'yivi.qr.alt': {
    nl: 'QR-code om te scannen met de Yivi-app',
    en: 'QR code to scan with the Yivi app',
  },
  'yivi.waiting': {
    nl: 'Wacht op de Yivi-app. Kies hieronder Verder als u de gegevens hebt gedeeld.',
    en: 'Waiting for the Yivi app. Choose Continue below once you have shared the data.',
  },
  'yivi.continue': { nl: 'Ik heb gedeeld, verder', en: 'I have shared, continue' },
  'yivi.not_done': {
    nl: 'De Yivi-app heeft nog niets gedeeld. Scan de QR-code en deel de gegevens, en kies dan opnieuw Verder.',
    en: 'The Yivi app has not shared anything yet. Scan the QR code, share the data, then choose Continue again.',
  },
  'yivi.proeftuin.app': {
    nl: 'Proeftuin: open de nagebootste Yivi-app',
    en: 'Proeftuin: open the stand-in Yivi app',
  },
  'yivi.unavailable.title': { nl: 'Yivi is niet bereikbaar', en: 'Yivi cannot be reached' },
  'yivi.unavailable.body': {
    nl: 'De Yivi-server antwoordt niet of niet op tijd. Probeer het zo opnieuw of kies een ander inlogmiddel.',
    en: 'The Yivi server does not answer, or not in time. Try again shortly or choose another login means.',
  },
  'oidcmeans.callback.title': { nl: 'Inloggen is niet gelukt', en: 'Login failed' },
  'oidcmeans.callback.body': {
    nl: 'Het antwoord van het inlogmiddel hoort niet bij een inlogpoging op deze pagina. Begin opnieuw bij de zorgapplicatie.',
    en: 'The answer of the login means does not belong to a login on this page. Start again at the health-care application.',
  },
} as const satisfies Messages;
