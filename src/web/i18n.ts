// Dutch first, English second. Every text a person reads is here, in both languages.
import { registerMessages } from './messages/register.ts';
import { portalMessages } from './messages/portal.ts';
import { digidMessages } from './messages/digid.ts';
import { eidasMessages } from './messages/eidas.ts';
import { uziMessages } from './messages/uzi.ts';
import { yiviOidcMessages } from './messages/yivi-oidc.ts';
import { policyMessages } from './messages/policy.ts';
import { opsMessages } from './messages/ops.ts';
import { brokerMessages } from './messages/broker.ts';
import { mitzMessages } from './messages/mitz.ts';
import { mandateMessages } from './messages/mandates.ts';
import { beheerMessages } from './messages/beheer.ts';
import { feesPortalMessages } from './messages/fees-portal.ts';
import { testWalletMessages, walletLoginMessages, walletMessages } from './messages/wallet.ts';
import { styleMessages } from './messages/style.ts';

export type Lang = 'nl' | 'en';
export type Messages = Record<string, Record<Lang, string>>;

const coreMessages = {
  'site.name': { nl: 'Dezi', en: 'Dezi' },
  'site.tagline': { nl: 'de zorgidentiteit', en: 'the health-care identity' },
  'skip.link': { nl: 'Direct naar de inhoud', en: 'Skip to content' },
  'lang.switch': { nl: 'English', en: 'Nederlands' },
  'footer.proeftuin': {
    nl: 'Proeftuin: testomgeving met testpersonen. Gebruik hier nooit echte gegevens.',
    en: 'Proeftuin: test environment with test persons. Never use real data here.',
  },
  'login.title': { nl: 'Hoe wilt u inloggen?', en: 'How do you want to log in?' },
  'login.intro': {
    nl: 'U logt in bij {client}. Kies een inlogmiddel.',
    en: 'You are logging in to {client}. Choose a login means.',
  },
  'login.none': {
    nl: 'Er is op dit moment geen inlogmiddel beschikbaar. Probeer het later opnieuw.',
    en: 'No login means is available at the moment. Please try again later.',
  },
  'login.cancel': { nl: 'Annuleren en terug naar {client}', en: 'Cancel and return to {client}' },
  'login.loa': { nl: 'Betrouwbaarheidsniveau: {loa}', en: 'Level of assurance: {loa}' },
  // eIDAS levels by loaLabel(), as a page shows them: `loa.${loaLabel(loa)}`.
  'loa.low': { nl: 'laag', en: 'low' },
  'loa.substantial': { nl: 'substantieel', en: 'substantial' },
  'loa.high': { nl: 'hoog', en: 'high' },
  'choose.title': { nl: 'Waar werk je? Wat ben je?', en: 'Where do you work? What is your role?' },
  'choose.intro': {
    nl: 'U werkt voor meer dan één zorgaanbieder of in meer dan één rol. Kies waarmee u nu inlogt bij {client}.',
    en: 'You work for more than one care provider or in more than one role. Choose which one you log in with at {client}.',
  },
  'choose.legend': { nl: 'Zorgaanbieder en rol', en: 'Care provider and role' },
  'choose.norole': { nl: 'geen rolcode', en: 'no role code' },
  'choose.submit': { nl: 'Ga verder', en: 'Continue' },
  'choose.required': { nl: 'Kies een zorgaanbieder en rol.', en: 'Choose a care provider and role.' },
  'error.title': { nl: 'Er ging iets mis', en: 'Something went wrong' },
  'error.back': { nl: 'Terug naar {client}', en: 'Back to {client}' },
  'error.unknown_person.title': {
    nl: 'U staat niet in het Dezi-register',
    en: 'You are not in the Dezi register',
  },
  'error.unknown_person.body': {
    nl: 'Het inloggen is gelukt, maar bij dit inlogmiddel hoort geen zorgidentiteit in het Dezi-register. Vraag uw werkgever (de abonnee) om u te registreren, of neem contact op met de servicedesk.',
    en: 'You logged in, but this login means belongs to no health-care identity in the Dezi register. Ask your employer (the abonnee) to register you, or contact the service desk.',
  },
  'error.person_inactive.title': {
    nl: 'Uw zorgidentiteit is niet actief',
    en: 'Your health-care identity is not active',
  },
  'error.person_inactive.body': {
    nl: 'Uw registratie in het Dezi-register is geschorst of beëindigd. Neem contact op met de servicedesk.',
    en: 'Your registration in the Dezi register is suspended or ended. Contact the service desk.',
  },
  'error.no_employment.title': { nl: 'Geen actieve koppeling', en: 'No active employment' },
  'error.no_employment.body': {
    nl: 'U staat in het Dezi-register, maar u bent op dit moment niet gekoppeld aan een zorgaanbieder. Vraag uw werkgever om u te koppelen.',
    en: 'You are in the Dezi register, but you are not linked to a care provider at the moment. Ask your employer to link you.',
  },
  'error.session_expired.title': { nl: 'Uw inlogsessie is verlopen', en: 'Your login session has expired' },
  'error.session_expired.body': {
    nl: 'Het inloggen duurde te lang of is al afgerond. Ga terug naar de zorgapplicatie en begin opnieuw.',
    en: 'Logging in took too long or was already completed. Go back to the application and start again.',
  },
  'error.means_failed.title': { nl: 'Inloggen is niet gelukt', en: 'Login failed' },
  'error.means_failed.body': {
    nl: 'Het inlogmiddel gaf geen geldig antwoord. Probeer het opnieuw of kies een ander inlogmiddel.',
    en: 'The login means gave no valid answer. Try again or choose another login means.',
  },
  'error.credential_refused.title': {
    nl: 'Deze verklaring wordt niet geaccepteerd',
    en: 'This credential is not accepted',
  },
  'error.credential_refused.body': {
    nl: 'De verklaring die uw wallet liet zien is ingetrokken, verlopen of niet door Dezi uitgegeven. Zet een nieuwe verklaring in uw wallet via Mijn Dezi, of kies een ander inlogmiddel.',
    en: 'The credential your wallet presented is revoked, expired or not issued by Dezi. Put a new one in your wallet in Mijn Dezi, or choose another login means.',
  },
  'error.credential_employment_ended.title': {
    nl: 'Deze koppeling is beëindigd',
    en: 'This employment has ended',
  },
  'error.credential_employment_ended.body': {
    nl: 'De verklaring in uw wallet hoort bij een koppeling die niet meer actief is in het Dezi-register. Log in met een ander inlogmiddel om een andere koppeling te kiezen.',
    en: 'The credential in your wallet belongs to an employment that is no longer active in the Dezi register. Log in with another login means to choose another employment.',
  },
  'error.means_cancelled.title': { nl: 'Inloggen geannuleerd', en: 'Login cancelled' },
  'error.means_cancelled.body': {
    nl: 'U heeft het inloggen afgebroken. U kunt het opnieuw proberen.',
    en: 'You cancelled the login. You can try again.',
  },
  'error.means_unavailable.title': {
    nl: 'Inlogmiddel tijdelijk niet beschikbaar',
    en: 'Login means temporarily unavailable',
  },
  'error.means_unavailable.body': {
    nl: 'Dit inlogmiddel reageert op dit moment niet. Kies een ander inlogmiddel of probeer het later opnieuw.',
    en: 'This login means is not responding at the moment. Choose another login means or try again later.',
  },
  'error.bad_request.title': { nl: 'Ongeldig verzoek', en: 'Invalid request' },
  'error.bad_request.body': {
    nl: 'Dit verzoek kon niet worden verwerkt. Ga terug en probeer het opnieuw.',
    en: 'This request could not be processed. Go back and try again.',
  },
  'error.not_found.title': { nl: 'Pagina niet gevonden', en: 'Page not found' },
  'error.not_found.body': { nl: 'Deze pagina bestaat niet.', en: 'This page does not exist.' },
  'error.server.title': { nl: 'Storing', en: 'Service disruption' },
  'error.server.body': {
    nl: 'Er is een storing bij Dezi. Probeer het over enkele minuten opnieuw.',
    en: 'Dezi has a disruption. Please try again in a few minutes.',
  },
  'error.try_again': { nl: 'Opnieuw proberen', en: 'Try again' },
  'error.oidc.body': {
    nl: 'De zorgapplicatie stuurde een verzoek dat Dezi niet kan verwerken. Meld dit aan de leverancier van de zorgapplicatie.',
    en: 'The application sent a request that Dezi cannot process. Report this to the application vendor.',
  },
  'error.code': { nl: 'Foutcode', en: 'Error code' },
  'home.title': { nl: 'Dezi, de zorgidentiteit', en: 'Dezi, the health-care identity' },
  'home.body': {
    nl: 'Met Dezi logt u als zorgmedewerker in bij zorgapplicaties, met het inlogmiddel van uw keuze.',
    en: 'With Dezi, care workers log in to health-care applications with the login means of their choice.',
  },
  'logout.title': { nl: 'Uitloggen', en: 'Log out' },
  'logout.question': { nl: 'Wilt u uitloggen bij Dezi?', en: 'Do you want to log out of Dezi?' },
  'logout.yes': { nl: 'Ja, uitloggen', en: 'Yes, log out' },
  'logout.done': { nl: 'U bent uitgelogd.', en: 'You are logged out.' },
} as const satisfies Messages;

const messages = {
  ...coreMessages,
  ...registerMessages,
  ...portalMessages,
  ...digidMessages,
  ...eidasMessages,
  ...uziMessages,
  ...yiviOidcMessages,
  ...policyMessages,
  ...opsMessages,
  ...brokerMessages,
  ...mitzMessages,
  ...mandateMessages,
  ...beheerMessages,
  ...feesPortalMessages,
  ...walletMessages,
  ...walletLoginMessages,
  ...testWalletMessages,
  ...styleMessages,
};

export type MessageKey = keyof typeof messages;

export function t(lang: Lang, key: MessageKey, vars: Record<string, string> = {}): string {
  return messages[key][lang].replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? `{${name}}`);
}

export function parseLang(value: unknown): Lang | null {
  return value === 'nl' || value === 'en' ? value : null;
}
