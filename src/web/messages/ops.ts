// Texts of one feature, Dutch first; kept apart so that features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const opsMessages = {
  'error.unavailable.title': {
    nl: 'Dezi is even niet beschikbaar',
    en: 'Dezi is temporarily unavailable',
  },
  'error.unavailable.body': {
    nl: 'Er is een storing. Er is niets opgeslagen of verstuurd. Probeer het over een paar seconden opnieuw.',
    en: 'There is a fault. Nothing was stored or sent. Please try again in a few seconds.',
  },
  'error.rate_limited.title': { nl: 'Te veel verzoeken', en: 'Too many requests' },
  'error.rate_limited.body': {
    nl: 'Er kwamen te veel verzoeken tegelijk van uw adres of uw zorgapplicatie. Wacht even en probeer het dan opnieuw.',
    en: 'Too many requests came from your address or your care application. Please wait a moment and try again.',
  },
} as const satisfies Messages;
