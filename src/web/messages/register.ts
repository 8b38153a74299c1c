// Texts of one feature, Dutch first; kept apart so that features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const registerMessages = {
  // Statuses of persons, abonnees and employments as a page shows them: `register.status.${status}`,
  // never the raw value.
  'register.status.active': { nl: 'actief', en: 'active' },
  'register.status.suspended': { nl: 'geschorst', en: 'suspended' },
  'register.status.deceased': { nl: 'overleden', en: 'deceased' },
  'register.status.ended': { nl: 'beëindigd', en: 'ended' },
  'register.status.future': { nl: 'nog niet begonnen', en: 'not yet started' },
  // Role sources in running text: `register.role_source.${source}`.
  'register.role_source.big': { nl: 'BIG-register', en: 'BIG register' },
  'register.role_source.abonnee': { nl: 'verklaring van de abonnee', en: 'declared by the abonnee' },
} as const satisfies Messages;
