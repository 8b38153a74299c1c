// Texts of mandates and self-declared roles (Mijn Dezi, the abonnee portal, the choice at login),
// Dutch first; kept apart so that features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const mandateMessages = {
  // The third role source in running text (`register.role_source.${source}`).
  'register.role_source.zelfverklaring': {
    nl: 'eigen verklaring, bevestigd door de abonnee',
    en: 'own declaration, confirmed by the abonnee',
  },

  // --- at login: "Waar werk je? Wat ben je?" ---------------------------------------------------
  'mandate.choose.intro': {
    nl: 'Kies waarmee u nu inlogt bij {client}: voor uzelf, of namens een collega die u een mandaat gaf.',
    en: 'Choose how you log in to {client} now: for yourself, or on behalf of a colleague who gave you a mandate.',
  },
  'mandate.choose.on_behalf': { nl: 'Namens {naam} ({rol})', en: 'On behalf of {naam} ({rol})' },
  'mandate.choose.until': { nl: 'Mandaat geldig tot {datum}', en: 'Mandate valid until {datum}' },

  // --- Mijn Dezi: mandates --------------------------------------------------------------------
  'mandate.link': { nl: 'Mandaten', en: 'Mandates' },
  'mandate.title': { nl: 'Mandaten', en: 'Mandates' },
  'mandate.intro': {
    nl: 'Met een mandaat laat een zorgverlener met een BIG-registratie een collega bij dezelfde zorgaanbieder namens hem of haar inloggen, voor een periode van ten hoogste drie jaar. De collega kiest dan bij het inloggen "Namens …". De zorgapplicatie ziet wie inlogt en namens wie.',
    en: 'With a mandate, a professional registered in the BIG register lets a colleague at the same care provider log in on their behalf, for a period of at most three years. The colleague then chooses "On behalf of …" when logging in. The application sees who logs in, and on whose behalf.',
  },
  'mandate.back_to_mijn_dezi': { nl: 'Terug naar Mijn Dezi', en: 'Back to Mijn Dezi' },
  'mandate.received': { nl: 'Mandaten die u kreeg', en: 'Mandates you received' },
  'mandate.received.none': {
    nl: 'U heeft geen mandaten gekregen.',
    en: 'You have not received any mandates.',
  },
  'mandate.given': { nl: 'Mandaten die u gaf', en: 'Mandates you gave' },
  'mandate.given.none': { nl: 'U heeft geen mandaten gegeven.', en: 'You have not given any mandates.' },
  'mandate.given.to': { nl: 'Aan {naam} (Dezi-nummer {dezi})', en: 'To {naam} (Dezi-nummer {dezi})' },
  'mandate.give': { nl: 'Een mandaat geven', en: 'Give a mandate' },
  'mandate.give.no_big_role': {
    nl: 'Een mandaat geven kan alleen een zorgverlener met een rol uit het BIG-register bij een zorgaanbieder. U heeft zo’n rol nu niet.',
    en: 'Only a professional with a role from the BIG register at a care provider can give a mandate. You do not have such a role now.',
  },
  'mandate.period': { nl: 'Periode', en: 'Period' },
  'mandate.period.value': { nl: 'van {van} tot {tot}', en: 'from {van} until {tot}' },
  'mandate.clients': { nl: 'Zorgapplicaties', en: 'Applications' },
  'mandate.clients.all': { nl: 'alle zorgapplicaties', en: 'every application' },
  'mandate.status.pending': { nl: 'wacht op acceptatie', en: 'waiting for acceptance' },
  'mandate.status.accepted': { nl: 'geaccepteerd', en: 'accepted' },
  'mandate.status.declined': { nl: 'geweigerd', en: 'declined' },
  'mandate.status.ended': { nl: 'beëindigd', en: 'ended' },
  'mandate.status.expired': { nl: 'verlopen', en: 'expired' },
  'mandate.accept': { nl: 'Mandaat van {naam} accepteren', en: 'Accept the mandate from {naam}' },
  'mandate.decline': { nl: 'Mandaat van {naam} weigeren', en: 'Decline the mandate from {naam}' },
  'mandate.end_received': { nl: 'Mandaat van {naam} beëindigen', en: 'End the mandate from {naam}' },
  'mandate.end_given': { nl: 'Mandaat aan {naam} beëindigen', en: 'End the mandate to {naam}' },
  'mandate.end.confirm_title': { nl: 'Mandaat beëindigen', en: 'End the mandate' },
  'mandate.end.confirm': {
    nl: 'Wilt u het mandaat van {van} aan {aan} beëindigen? Het stopt direct: de Dezi-verklaringen die ermee zijn afgegeven worden ingetrokken, en wie ermee is ingelogd kan er niet meer mee verder.',
    en: 'Do you want to end the mandate from {van} to {aan}? It stops at once: the Dezi statements issued under it are revoked, and whoever logged in with it cannot go on with it.',
  },
  'mandate.end.yes': { nl: 'Ja, mandaat beëindigen', en: 'Yes, end the mandate' },
  'mandate.notice.given': {
    nl: 'Het mandaat is gegeven. Het geldt zodra uw collega het in Mijn Dezi accepteert.',
    en: 'The mandate is given. It applies once your colleague accepts it in Mijn Dezi.',
  },
  'mandate.notice.accepted': {
    nl: 'U heeft het mandaat geaccepteerd. Bij het inloggen kiest u voortaan "Namens …".',
    en: 'You accepted the mandate. When you log in, you can now choose "On behalf of …".',
  },
  'mandate.notice.declined': { nl: 'U heeft het mandaat geweigerd.', en: 'You declined the mandate.' },
  'mandate.notice.ended': { nl: 'Het mandaat is beëindigd.', en: 'The mandate has ended.' },
  'mandate.refused.title': { nl: 'Dit kan niet (meer)', en: 'This is not possible (any more)' },
  'mandate.refused.body': {
    nl: 'Het mandaat is intussen geaccepteerd, geweigerd, beëindigd of verlopen. Bekijk de actuele stand.',
    en: 'The mandate has meanwhile been accepted, declined, ended or has expired. See where it stands now.',
  },

  // --- Mijn Dezi: the form to give a mandate ---------------------------------------------------
  'mandate.form.intro': {
    nl: 'Uw collega moet bij dezelfde zorgaanbieder werken. Het mandaat geldt pas als uw collega het accepteert.',
    en: 'Your colleague must work at the same care provider. The mandate applies only once your colleague accepts it.',
  },
  'mandate.form.employment': { nl: 'Namens uzelf als', en: 'On your behalf as' },
  'mandate.form.employment.option': { nl: '{rol} bij {abonnee}', en: '{rol} at {abonnee}' },
  'mandate.form.dezi_nummer': { nl: 'Dezi-nummer van uw collega', en: 'Dezi-nummer of your colleague' },
  'mandate.form.dezi_nummer.hint': {
    nl: 'Negen cijfers. Uw collega vindt het in Mijn Dezi.',
    en: 'Nine digits. Your colleague finds it in Mijn Dezi.',
  },
  'mandate.form.start': { nl: 'Ingangsdatum', en: 'Start date' },
  'mandate.form.start.hint': { nl: 'Vandaag of later.', en: 'Today or later.' },
  'mandate.form.end': { nl: 'Einddatum', en: 'End date' },
  'mandate.form.end.hint': {
    nl: 'De eerste dag waarop het mandaat niet meer geldt; ten hoogste drie jaar na de ingangsdatum.',
    en: 'The first day the mandate no longer applies; at most three years after the start date.',
  },
  'mandate.form.clients': { nl: 'Bij welke zorgapplicaties?', en: 'At which applications?' },
  'mandate.form.clients.hint': {
    nl: 'Kiest u er geen, dan geldt het mandaat bij elke zorgapplicatie.',
    en: 'If you choose none, the mandate applies at every application.',
  },
  'mandate.form.submit': { nl: 'Mandaat geven', en: 'Give the mandate' },
  'mandate.form.cancel': { nl: 'Annuleren', en: 'Cancel' },
  'mandate.error.no_big_role': {
    nl: 'Kies een werkgever waar u een rol uit het BIG-register heeft.',
    en: 'Choose an employer where you have a role from the BIG register.',
  },
  'mandate.error.dezi_nummer': {
    nl: 'Vul het Dezi-nummer van uw collega in: negen cijfers.',
    en: 'Enter the Dezi-nummer of your colleague: nine digits.',
  },
  'mandate.error.not_a_colleague': {
    nl: 'Niemand met dit Dezi-nummer werkt nu bij deze zorgaanbieder. Controleer het nummer.',
    en: 'Nobody with this Dezi-nummer works at this care provider now. Check the number.',
  },
  'mandate.error.self': {
    nl: 'Dit is uw eigen Dezi-nummer. Een mandaat geeft u aan een collega.',
    en: 'This is your own Dezi-nummer. You give a mandate to a colleague.',
  },
  'mandate.error.date': {
    nl: 'Vul een bestaande datum in, bijvoorbeeld 2026-09-01.',
    en: 'Enter a real date, for example 2026-09-01.',
  },
  'mandate.error.start_in_past': {
    nl: 'De ingangsdatum moet vandaag of later zijn.',
    en: 'The start date must be today or later.',
  },
  'mandate.error.end_before_start': {
    nl: 'De einddatum moet na de ingangsdatum liggen.',
    en: 'The end date must lie after the start date.',
  },
  'mandate.error.too_long': {
    nl: 'Een mandaat duurt ten hoogste drie jaar. Kies een eerdere einddatum.',
    en: 'A mandate lasts at most three years. Choose an earlier end date.',
  },
  'mandate.error.too_many_clients': {
    nl: 'Kies ten hoogste twintig zorgapplicaties, of geen (dan geldt het overal).',
    en: 'Choose at most twenty applications, or none (then it applies everywhere).',
  },
  'mandate.error.unknown_client': {
    nl: 'Kies de zorgapplicaties uit de lijst.',
    en: 'Choose the applications from the list.',
  },

  // --- the abonnee portal: mandates -----------------------------------------------------------
  'mandate.admin.title': { nl: 'Mandaten binnen uw organisatie', en: 'Mandates within your organisation' },
  'mandate.admin.intro': {
    nl: 'Mandaten die zorgverleners van uw organisatie aan collega’s gaven. U kunt een mandaat beëindigen; de Dezi-verklaringen die ermee zijn afgegeven worden dan ingetrokken.',
    en: 'Mandates that professionals of your organisation gave to colleagues. You can end a mandate; the Dezi statements issued under it are then revoked.',
  },
  'mandate.admin.none': {
    nl: 'Binnen uw organisatie zijn geen mandaten gegeven.',
    en: 'No mandates have been given within your organisation.',
  },
  'mandate.admin.heading': { nl: '{van} aan {aan}', en: '{van} to {aan}' },
  'mandate.admin.end': {
    nl: 'Mandaat van {van} aan {aan} beëindigen',
    en: 'End the mandate from {van} to {aan}',
  },
  'mandate.admin.back': { nl: 'Terug naar {abonnee}', en: 'Back to {abonnee}' },

  // --- Mijn Dezi: self-declared roles ---------------------------------------------------------
  'roledecl.link': { nl: 'Uw rol verklaren', en: 'Declare your role' },
  'roledecl.title': { nl: 'Uw rol verklaren', en: 'Declare your role' },
  'roledecl.intro': {
    nl: 'Heeft u geen BIG-beroep? Verklaar dan in welke rol u bij een werkgever werkt. Uw rol geldt pas als de beheerder van die werkgever haar bevestigt; tot dan blijft uw huidige rol gelden.',
    en: 'No BIG profession? Then declare the role you work in at an employer. Your role applies only once that employer’s administrator confirms it; until then your current role stays.',
  },
  'roledecl.mine': { nl: 'Uw verklaringen', en: 'Your declarations' },
  'roledecl.mine.none': { nl: 'U heeft nog geen rol verklaard.', en: 'You have not declared a role yet.' },
  'roledecl.declare': { nl: 'Een rol verklaren', en: 'Declare a role' },
  'roledecl.no_employment': {
    nl: 'U heeft geen werkgever waarvoor u een rol kunt verklaren. Een rol uit het BIG-register vervangt u niet door een eigen verklaring.',
    en: 'You have no employer for which you can declare a role. A role from the BIG register is not replaced by your own declaration.',
  },
  'roledecl.role': { nl: 'Verklaarde rol', en: 'Declared role' },
  'roledecl.current_role': { nl: 'Rol nu', en: 'Role now' },
  'roledecl.declared_at': { nl: 'Verklaard op', en: 'Declared on' },
  'roledecl.status.pending': { nl: 'wacht op bevestiging', en: 'waiting for confirmation' },
  'roledecl.status.confirmed': { nl: 'bevestigd', en: 'confirmed' },
  'roledecl.status.refused': { nl: 'afgewezen', en: 'refused' },
  'roledecl.status.withdrawn': { nl: 'ingetrokken', en: 'withdrawn' },
  'roledecl.withdraw': {
    nl: 'Verklaring {rol} bij {abonnee} intrekken',
    en: 'Withdraw the declaration {rol} at {abonnee}',
  },
  'roledecl.form.employment': { nl: 'Bij welke werkgever?', en: 'At which employer?' },
  'roledecl.form.employment.option': {
    nl: '{abonnee} (nu: {rol})',
    en: '{abonnee} (now: {rol})',
  },
  'roledecl.form.role': { nl: 'In welke rol werkt u?', en: 'Which role do you work in?' },
  'roledecl.form.role.hint': {
    nl: 'Alleen rollen zonder BIG-registratie. Staat uw rol er niet bij? Kies Zorgverlener andere zorg.',
    en: 'Only roles without a BIG registration. Is your role not listed? Choose Zorgverlener andere zorg.',
  },
  'roledecl.form.role.choose': { nl: 'Kies een rol', en: 'Choose a role' },
  'roledecl.form.submit': { nl: 'Rol verklaren', en: 'Declare the role' },
  'roledecl.error.employment': { nl: 'Kies een van uw werkgevers.', en: 'Choose one of your employers.' },
  'roledecl.error.big_role': {
    nl: 'Bij deze werkgever heeft u een rol uit het BIG-register; die vervangt u niet door een eigen verklaring.',
    en: 'At this employer you have a role from the BIG register; your own declaration does not replace it.',
  },
  'roledecl.error.already_pending': {
    nl: 'Voor deze werkgever wacht al een verklaring op bevestiging. Trek die eerst in.',
    en: 'A declaration for this employer is already waiting for confirmation. Withdraw it first.',
  },
  'roledecl.error.role': {
    nl: 'Kies een rol uit de lijst.',
    en: 'Choose a role from the list.',
  },
  'roledecl.notice.declared': {
    nl: 'Uw rol is verklaard. Zij geldt zodra de beheerder van uw werkgever haar bevestigt.',
    en: 'Your role is declared. It applies once your employer’s administrator confirms it.',
  },
  'roledecl.notice.withdrawn': { nl: 'Uw verklaring is ingetrokken.', en: 'Your declaration is withdrawn.' },
  'roledecl.refused.title': { nl: 'Dit kan niet (meer)', en: 'This is not possible (any more)' },
  'roledecl.refused.body': {
    nl: 'De verklaring wacht niet meer op bevestiging, of de werkgever heeft intussen een andere rol vastgelegd. Bekijk de actuele stand.',
    en: 'The declaration is no longer waiting for confirmation, or the employer has meanwhile recorded another role. See where it stands now.',
  },
  'roledecl.refused.own': {
    nl: 'Uw eigen verklaring bevestigt of weigert u niet zelf: dat doet een andere beheerder van uw organisatie.',
    en: 'You do not confirm or refuse your own declaration: another administrator of your organisation does.',
  },

  // --- the abonnee portal: role declarations --------------------------------------------------
  'roledecl.admin.title': { nl: 'Rolverklaringen', en: 'Role declarations' },
  'roledecl.admin.intro': {
    nl: 'Medewerkers zonder BIG-beroep verklaren zelf in welke rol zij werken. Bevestigt u een verklaring, dan wordt het hun rol bij uw organisatie; in de Dezi-verklaring staat dan als bron: eigen verklaring, bevestigd door de abonnee.',
    en: 'Staff without a BIG profession declare the role they work in themselves. When you confirm a declaration it becomes their role at your organisation; the Dezi statement then names as its source: own declaration, confirmed by the abonnee.',
  },
  'roledecl.admin.pending': { nl: 'Te bevestigen', en: 'To confirm' },
  'roledecl.admin.pending.none': {
    nl: 'Er wachten geen verklaringen op bevestiging.',
    en: 'No declarations are waiting for confirmation.',
  },
  'roledecl.admin.decided': { nl: 'Eerder beoordeeld', en: 'Decided before' },
  'roledecl.admin.decided.none': { nl: 'Nog geen.', en: 'None yet.' },
  'roledecl.admin.heading': { nl: '{naam} (Dezi-nummer {dezi})', en: '{naam} (Dezi-nummer {dezi})' },
  'roledecl.admin.confirm': { nl: '{rol} voor {naam} bevestigen', en: 'Confirm {rol} for {naam}' },
  'roledecl.admin.refuse': { nl: '{rol} voor {naam} afwijzen', en: 'Refuse {rol} for {naam}' },
  'roledecl.notice.confirmed': {
    nl: 'De rol is bevestigd en geldt nu.',
    en: 'The role is confirmed and applies now.',
  },
  'roledecl.notice.refused': { nl: 'De verklaring is afgewezen.', en: 'The declaration is refused.' },
} as const satisfies Messages;
