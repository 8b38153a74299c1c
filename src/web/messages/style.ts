// Texts of the house style: the page frame (footer, contact), forms with errors, problem pages, the
// statements on privacy and accessibility, and the login choice's phone and icon notes. Dutch first.
import type { Messages } from '../i18n.ts';

export const styleMessages = {
  'frame.home': {
    nl: 'Dezi, de zorgidentiteit: naar de startpagina',
    en: 'Dezi, the health-care identity: home page',
  },
  'frame.lang_label': { nl: 'Taal', en: 'Language' },
  'footer.label': { nl: 'Over Dezi', en: 'About Dezi' },
  'footer.servicedesk': { nl: 'Servicedesk', en: 'Service desk' },
  'footer.servicedesk.intro': {
    nl: 'Vragen over inloggen of uw registratie?',
    en: 'Questions about logging in or your registration?',
  },
  'footer.email': { nl: 'E-mail', en: 'Email' },
  'footer.phone': { nl: 'Telefoon', en: 'Phone' },
  'footer.about': { nl: 'Over deze website', en: 'About this website' },
  'footer.privacy': { nl: 'Privacyverklaring', en: 'Privacy statement' },
  'footer.accessibility': { nl: 'Toegankelijkheidsverklaring', en: 'Accessibility statement' },

  'form.error_title': { nl: 'Fout: {title}', en: 'Error: {title}' },
  'form.error_summary': {
    nl: 'Er is een probleem met uw invoer',
    en: 'There is a problem with what you entered',
  },
  'form.error_prefix': { nl: 'Fout:', en: 'Error:' },
  'form.continue': { nl: 'Ga verder', en: 'Continue' },
  'form.cancel': { nl: 'Annuleren', en: 'Cancel' },

  'problem.next': { nl: 'Wat kunt u doen?', en: 'What can you do?' },
  'problem.home': { nl: 'Naar de startpagina van Dezi', en: 'To the Dezi home page' },
  'problem.contact': {
    nl: 'Lukt het niet? Neem contact op met de servicedesk van Dezi',
    en: 'Still not working? Contact the Dezi service desk',
  },
  'problem.contact_email': { nl: 'via {email}', en: 'at {email}' },
  'problem.contact_phone': { nl: 'of bel {phone}', en: 'or call {phone}' },
  'problem.not_found.next': {
    nl: 'Controleer het adres, of ga naar de startpagina. Kwam u hier via een link van Dezi? Meld het dan aan de servicedesk.',
    en: 'Check the address, or go to the home page. Did a link of Dezi bring you here? Please tell the service desk.',
  },

  'means.icon_note': { nl: 'Betrouwbaarheidsniveau {loa}', en: 'Level of assurance {loa}' },
  'means.phone.card_reader': {
    nl: 'Werkt niet op een telefoon: voor de UZI-pas heeft u een computer met een kaartlezer nodig.',
    en: 'Does not work on a phone: the UZI card needs a computer with a card reader.',
  },
  'means.phone.elsewhere': {
    nl: 'Op een computer met een kaartlezer',
    en: 'On a computer with a card reader',
  },
  'means.choose_other': { nl: 'Annuleren / ander inlogmiddel', en: 'Cancel / other login means' },
  'yivi.open_app': { nl: 'Open de Yivi-app', en: 'Open the Yivi app' },
  'yivi.other_device': {
    nl: 'Staat de Yivi-app op een andere telefoon? Scan dan deze QR-code.',
    en: 'Is the Yivi app on another phone? Then scan this QR code.',
  },
  'yivi.this_phone': {
    nl: 'Staat de Yivi-app op deze telefoon? Open hem dan direct.',
    en: 'Is the Yivi app on this phone? Then open it directly.',
  },

  'portal.admin.invite.error.dezi_nummer': {
    nl: 'Een Dezi-nummer heeft 9 cijfers, bijvoorbeeld 900010001. Of laat het veld leeg voor een registratiecode.',
    en: 'A Dezi-nummer has 9 digits, for example 900010001. Or leave the field empty for a registration code.',
  },
  'portal.admin.invite.error.unknown': {
    nl: 'Er is geen actieve zorgmedewerker met Dezi-nummer {dezi}. Controleer het nummer, of laat het veld leeg voor een registratiecode.',
    en: 'There is no active care worker with Dezi-nummer {dezi}. Check the number, or leave the field empty for a registration code.',
  },
  'portal.admin.invite.error.role': {
    nl: 'Kies een rol uit de lijst, of geen rolcode.',
    en: 'Choose a role from the list, or no role code.',
  },

  'home.portals': { nl: 'Voor zorgmedewerkers en abonnees', en: 'For care workers and abonnees' },
  'home.mijn_dezi': {
    nl: 'Mijn Dezi: uw Dezi-nummer, werkgevers en inlogmiddelen',
    en: 'Mijn Dezi: your Dezi-nummer, employers and login means',
  },
  'home.register': { nl: 'Registreren in het Dezi-register', en: 'Register in the Dezi register' },
  'home.abonnee': {
    nl: 'Abonneeportaal: medewerkers uitnodigen en rollen beheren',
    en: 'Abonnee portal: invite staff and manage roles',
  },
  'home.citizens': { nl: 'Voor burgers', en: 'For citizens' },
  'home.proeftuin': {
    nl: 'Proeftuin: testpersonen en aansluiten',
    en: 'Proeftuin: test persons and connecting',
  },

  'privacy.title': { nl: 'Privacyverklaring', en: 'Privacy statement' },
  'privacy.intro': {
    nl: 'Dezi is het inlogsysteem voor zorgmedewerkers. Hier leest u welke gegevens Dezi verwerkt, waarom, hoe lang, en wat uw rechten zijn.',
    en: 'Dezi is the login system for care workers. Here you read which data Dezi processes, why, for how long, and what your rights are.',
  },
  'privacy.what.title': { nl: 'Welke gegevens', en: 'Which data' },
  'privacy.what.body': {
    nl: 'Uw Dezi-nummer, naam (voorletters, voorvoegsel, achternaam), de zorgaanbieders waar u werkt en uw rol, en de inlogmiddelen die u hebt gekoppeld. Uw burgerservicenummer (BSN) bewaart Dezi alleen versleuteld, om u bij het inloggen met DigiD te herkennen; het komt nooit in een verklaring, een logregel of een adres van een pagina.',
    en: 'Your Dezi-nummer, name (initials, prefix, surname), the care providers you work for and your role, and the login means you have linked. Dezi keeps your citizen service number (BSN) only encrypted, to recognise you when you log in with DigiD; it never appears in a verklaring, a log line or the address of a page.',
  },
  'privacy.why.title': { nl: 'Waarom', en: 'Why' },
  'privacy.why.body': {
    nl: 'Om u te laten inloggen bij zorgapplicaties en om die applicaties te laten weten wie u bent, waar u werkt en wat uw rol is (de Dezi-verklaring). Dat is nodig voor de zorg: zonder vast te stellen wie u bent mag een zorgapplicatie u geen medische gegevens tonen.',
    en: 'To let you log in to health-care applications and to tell them who you are, where you work and what your role is (the Dezi-verklaring). Care needs this: an application may not show you medical data without establishing who you are.',
  },
  'privacy.log.title': { nl: 'Logboek', en: 'Audit trail' },
  'privacy.log.body': {
    nl: 'Elke inlogpoging en elke wijziging komt in een logboek (NEN 7513): wanneer, welk inlogmiddel, welke zorgapplicatie, met welk resultaat.',
    en: 'Every login attempt and every change is recorded in an audit trail (NEN 7513): when, which login means, which application, with which result.',
  },
  'privacy.cookies.title': { nl: 'Cookies', en: 'Cookies' },
  'privacy.cookies.body': {
    nl: 'Dezi gebruikt alleen functionele cookies: uw inlogsessie, de gekozen taal, en het inlogmiddel dat u op dit apparaat het laatst gebruikte (alleen de naam van het middel, niets over u). Geen cookies om u te volgen, geen statistiek van derden.',
    en: 'Dezi uses functional cookies only: your login session, the chosen language, and the login means you last used on this device (only the name of the means, nothing about you). No cookies to track you, no third-party statistics.',
  },
  'privacy.rights.title': { nl: 'Uw rechten', en: 'Your rights' },
  'privacy.rights.body': {
    nl: 'U mag uw gegevens inzien (Mijn Dezi), laten verbeteren en weten aan wie ze zijn verstrekt. Neem daarvoor contact op met de servicedesk. U kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens.',
    en: 'You may see your data (Mijn Dezi), have them corrected and learn to whom they were provided. Contact the service desk for this. You may also lodge a complaint with the Dutch Data Protection Authority (Autoriteit Persoonsgegevens).',
  },

  'a11y.title': { nl: 'Toegankelijkheidsverklaring', en: 'Accessibility statement' },
  'a11y.intro': {
    nl: 'Dezi wil dat iedereen kan inloggen en zijn gegevens kan beheren, ook met een beperking, op een telefoon en zonder JavaScript.',
    en: 'Dezi wants everyone to be able to log in and manage their data, also with a disability, on a phone and without JavaScript.',
  },
  'a11y.standard.title': { nl: 'Norm', en: 'Standard' },
  'a11y.standard.body': {
    nl: 'De pagina’s van Dezi zijn gebouwd volgens WCAG 2.1 op niveau AA (EN 301 549), met de componenten van het NL Design System. Elke pagina wordt bij elke wijziging automatisch getest met axe, op een computerscherm en op een telefoon van 360 pixels breed, in het Nederlands en in het Engels.',
    en: 'The pages of Dezi are built to WCAG 2.1 level AA (EN 301 549), with the components of the NL Design System. Every page is tested automatically with axe at every change, on a computer screen and on a phone 360 pixels wide, in Dutch and in English.',
  },
  'a11y.status.title': { nl: 'Status', en: 'Status' },
  'a11y.status.body': {
    nl: 'Dezi voldoet gedeeltelijk: de automatische tests vinden geen fouten, maar een onderzoek door een onafhankelijke deskundige heeft nog niet plaatsgevonden. Bekende beperking: de QR-code van Yivi is een afbeelding; wie die niet kan scannen, opent de Yivi-app met de knop op dezelfde pagina of kiest een ander inlogmiddel.',
    en: 'Dezi partially complies: the automatic tests find no errors, but an audit by an independent expert has not taken place yet. Known limitation: the Yivi QR code is an image; who cannot scan it opens the Yivi app with the button on the same page or chooses another login means.',
  },
  'a11y.contact.title': { nl: 'Werkt iets niet?', en: 'Does something not work?' },
  'a11y.contact.body': {
    nl: 'Meld het bij de servicedesk: zeg op welke pagina en wat er niet werkt.',
    en: 'Tell the service desk: say on which page and what does not work.',
  },

  'proeftuin.token.title': { nl: 'Registratietoken', en: 'Registration token' },
  'proeftuin.token.intro': {
    nl: 'Het initial access token voor dynamische registratie (RFC 7591) van uw zorgapplicatie. Alleen in de proeftuin.',
    en: 'The initial access token for dynamic registration (RFC 7591) of your health-care application. Proeftuin only.',
  },
  'proeftuin.token.label': { nl: 'Token om te kopiëren', en: 'Token to copy' },
  'proeftuin.guides.title': { nl: 'Handleidingen', en: 'Guides' },
  'proeftuin.guides.intro': {
    nl: 'In de repository van Dezi, en hier als tekst:',
    en: 'In the Dezi repository, and here as text:',
  },
} as const satisfies Messages;
