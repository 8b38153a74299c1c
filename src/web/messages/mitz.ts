// Texts of MijnMitz, the citizen's pages of Mitz, Dutch first; kept apart so that features do not
// edit one shared file. The names of the data and provider categories come with their codes
// (src/mitz/codes.ts); this table has everything else a citizen reads.
import type { Messages } from '../i18n.ts';

export const mitzMessages = {
  'mitz.name': { nl: 'MijnMitz', en: 'MijnMitz' },
  'mitz.home.link': {
    nl: 'Bent u patiënt? Geef in MijnMitz toestemming voor het delen van uw medische gegevens.',
    en: 'Are you a patient? Give your consent to sharing your medical data in MijnMitz.',
  },

  // The start page.
  'mitz.start.intro': {
    nl: 'Met Mitz bepaalt u zelf welke zorgaanbieders uw medische gegevens mogen inzien. Een zorgaanbieder die uw gegevens bij een andere zorgaanbieder wil opvragen, vraagt eerst aan Mitz of u daar toestemming voor gaf.',
    en: 'With Mitz you decide which care providers may see your medical data. A care provider that wants to retrieve your data from another care provider first asks Mitz whether you gave your consent.',
  },
  'mitz.start.what': {
    nl: 'In MijnMitz ziet u uw keuzes en kunt u ze geven, wijzigen of intrekken: voor alle zorgaanbieders tegelijk of per soort zorgaanbieder. U ziet ook wie elke keuze heeft vastgelegd en wanneer.',
    en: 'In MijnMitz you see your choices and can give, change or withdraw them: for all care providers at once or per kind of care provider. You also see who recorded each choice, and when.',
  },
  'mitz.start.digid': {
    nl: 'U logt in met DigiD, met de DigiD app of met een sms-code.',
    en: 'You log in with DigiD, with the DigiD app or with a text message code.',
  },
  'mitz.start.login': { nl: 'Inloggen met DigiD', en: 'Log in with DigiD' },
  'mitz.start.logged_in': { nl: 'U bent ingelogd.', en: 'You are logged in.' },
  'mitz.start.to_choices': { nl: 'Naar mijn keuzes', en: 'To my choices' },

  // Notices after an action (?melding=…).
  'mitz.notice.vastgelegd': { nl: 'Uw keuze is opgeslagen.', en: 'Your choice has been saved.' },
  'mitz.notice.ongewijzigd': {
    nl: 'Deze keuze had u al gemaakt. Er is niets veranderd.',
    en: 'You had already made this choice. Nothing has changed.',
  },
  'mitz.notice.ingetrokken': { nl: 'Uw keuze is ingetrokken.', en: 'Your choice has been withdrawn.' },
  'mitz.notice.niet_gevonden': {
    nl: 'Deze keuze bestaat niet (meer). Er is niets veranderd.',
    en: 'This choice does not exist (any more). Nothing has changed.',
  },
  'mitz.notice.uitgelogd': { nl: 'U bent uitgelogd.', en: 'You are logged out.' },
  'mitz.notice.verlopen': {
    nl: 'U was een tijd niet actief. Om uw gegevens te beschermen bent u uitgelogd. Log opnieuw in.',
    en: 'You were inactive for a while. To protect your data you have been logged out. Please log in again.',
  },

  // Navigation on every page of a logged-in citizen.
  'mitz.nav.label': { nl: 'MijnMitz', en: 'MijnMitz' },
  'mitz.nav.overview': { nl: 'Mijn keuzes', en: 'My choices' },
  'mitz.nav.history': { nl: 'Geschiedenis', en: 'History' },
  'mitz.nav.logout': { nl: 'Uitloggen', en: 'Log out' },
  'mitz.nav.logged_in': { nl: 'Ingelogd met DigiD', en: 'Logged in with DigiD' },

  // The overview.
  'mitz.overview.title': { nl: 'Mijn keuzes', en: 'My choices' },
  'mitz.overview.intro': {
    nl: 'Hier ziet u per soort gegevens welke keuzes u heeft gemaakt en wat daardoor nu geldt voor elke soort zorgaanbieder.',
    en: 'Here you see, per kind of data, which choices you made and what applies now to each kind of care provider as a result.',
  },
  'mitz.overview.rules': {
    nl: 'Ja voor behandelgegevens geldt ook voor uitslagen en medicatiegegevens. Nee voor medicatiegegevens geldt ook voor uitslagen en behandelgegevens. Een keuze voor één soort zorgaanbieder gaat voor een keuze voor alle zorgaanbieders.',
    en: 'Yes for treatment data also applies to test results and medication data. No for medication data also applies to test results and treatment data. A choice for one kind of care provider takes precedence over a choice for all care providers.',
  },
  'mitz.overview.give': { nl: 'Een keuze geven of wijzigen', en: 'Give or change a choice' },
  'mitz.overview.choices': { nl: 'Uw keuzes', en: 'Your choices' },
  'mitz.overview.none': {
    nl: 'U heeft hiervoor nog geen keuze gemaakt.',
    en: 'You have not made a choice for this yet.',
  },
  'mitz.overview.recorded': { nl: 'Vastgelegd op {when}, {by}.', en: 'Recorded on {when}, {by}.' },
  'mitz.overview.change': { nl: 'Wijzigen', en: 'Change' },
  'mitz.overview.withdraw': { nl: 'Intrekken', en: 'Withdraw' },
  'mitz.overview.effect': { nl: 'Wat nu geldt', en: 'What applies now' },
  'mitz.overview.effect_caption': {
    nl: 'Mag deze soort zorgaanbieder uw {gegevens} inzien?',
    en: 'May this kind of care provider see your {gegevens}?',
  },
  'mitz.overview.provider': { nl: 'Soort zorgaanbieder', en: 'Kind of care provider' },
  'mitz.overview.answer': { nl: 'Mag inzien?', en: 'May see?' },
  'mitz.overview.mixed': {
    nl: 'Hangt af van waar de gegevens staan:',
    en: 'Depends on where the data are held:',
  },
  'mitz.overview.mixed_line': { nl: '{answer} bij: {where}', en: '{answer} when held by: {where}' },

  // What applies (the decision for purpose treatment), in words.
  'mitz.effect.Permit': { nl: 'Ja, mag inzien', en: 'Yes, may see' },
  'mitz.effect.Deny': { nl: 'Nee, mag niet inzien', en: 'No, may not see' },
  'mitz.effect.NotApplicable': {
    nl: 'Nog geen keuze: mag niet inzien',
    en: 'No choice yet: may not see',
  },

  // A choice in words.
  'mitz.answer.ja': { nl: 'Ja', en: 'Yes' },
  'mitz.answer.nee': { nl: 'Nee', en: 'No' },
  'mitz.choice.line': { nl: '{answer}, voor {who}', en: '{answer}, for {who}' },
  'mitz.choice.withdrawn': {
    nl: 'Keuze voor {who} ingetrokken',
    en: 'Choice for {who} withdrawn',
  },
  'mitz.choice.all': { nl: 'alle zorgaanbieders', en: 'all care providers' },
  'mitz.choice.held_by': {
    nl: 'Alleen gegevens bij: {where}',
    en: 'Only data held by: {where}',
  },
  'mitz.by.citizen': { nl: 'door uzelf', en: 'by yourself' },
  'mitz.by.professional': {
    nl: 'door {naam} ({rol}) van {abonnee}, tijdens uw bezoek, via de {knop}',
    en: 'by {naam} ({rol}) of {abonnee}, during your visit, through the {knop}',
  },
  'mitz.knop.dossierhouder': { nl: 'dossierhoudersknop', en: 'record holder’s button' },
  'mitz.knop.raadpleger': { nl: 'raadplegersknop', en: 'consulting provider’s button' },
  'mitz.by.question': { nl: 'De vraag was: {vraag}', en: 'The question was: {vraag}' },

  // The data categories explained.
  'mitz.gegevens.GGC002.uitleg': {
    nl: 'Alles uit uw medisch dossier, zoals klachten, diagnoses en behandelingen. Ja hiervoor geldt ook voor uitslagen en medicatiegegevens.',
    en: 'Everything in your medical record, such as complaints, diagnoses and treatments. Yes for this also applies to test results and medication data.',
  },
  'mitz.gegevens.GGC012.uitleg': {
    nl: 'Uitslagen van onderzoeken, zoals bloedonderzoek en röntgenfoto’s. Ja hiervoor geldt ook voor medicatiegegevens.',
    en: 'Results of examinations, such as blood tests and X-rays. Yes for this also applies to medication data.',
  },
  'mitz.gegevens.GGC013.uitleg': {
    nl: 'Welke medicijnen u gebruikt of heeft gebruikt. Nee hiervoor geldt ook voor uitslagen en behandelgegevens.',
    en: 'Which medicines you take or have taken. No for this also applies to test results and treatment data.',
  },

  // The form to give or change a choice.
  'mitz.form.title': { nl: 'Een keuze geven of wijzigen', en: 'Give or change a choice' },
  'mitz.form.intro': {
    nl: 'Een nieuwe keuze voor dezelfde gegevens en dezelfde zorgaanbieders vervangt uw eerdere keuze.',
    en: 'A new choice for the same data and the same care providers replaces your earlier choice.',
  },
  'mitz.form.gegevens': { nl: 'Over welke gegevens gaat uw keuze?', en: 'Which data is your choice about?' },
  'mitz.form.keuze': { nl: 'Wat is uw keuze?', en: 'What is your choice?' },
  'mitz.form.ja': {
    nl: 'Ja, deze zorgaanbieders mogen deze gegevens inzien',
    en: 'Yes, these care providers may see this data',
  },
  'mitz.form.nee': {
    nl: 'Nee, deze zorgaanbieders mogen deze gegevens niet inzien',
    en: 'No, these care providers may not see this data',
  },
  'mitz.form.raadpleger': { nl: 'Voor welke zorgaanbieders?', en: 'For which care providers?' },
  'mitz.form.raadpleger.hint': {
    nl: 'De zorgaanbieders die uw gegevens willen inzien: alle zorgaanbieders, of één soort.',
    en: 'The care providers that want to see your data: all care providers, or one kind.',
  },
  'mitz.form.raadpleger.choose': { nl: '— Kies —', en: '— Choose —' },
  'mitz.form.raadpleger.all': {
    nl: 'Alle zorgaanbieders (aan iedereen)',
    en: 'All care providers (everyone)',
  },
  'mitz.form.dossierhouder.more': {
    nl: 'Alleen voor gegevens bij één soort zorgaanbieder (niet verplicht)',
    en: 'Only for data held by one kind of care provider (optional)',
  },
  'mitz.form.dossierhouder': { nl: 'Waar staan de gegevens?', en: 'Where are the data held?' },
  'mitz.form.dossierhouder.hint': {
    nl: 'Als u niets kiest, geldt uw keuze voor gegevens bij alle zorgaanbieders.',
    en: 'If you choose nothing, your choice applies to data held by all care providers.',
  },
  'mitz.form.dossierhouder.all': {
    nl: 'Bij alle zorgaanbieders (standaard)',
    en: 'Held by all care providers (default)',
  },
  'mitz.form.submit': { nl: 'Keuze opslaan', en: 'Save choice' },
  'mitz.form.back': { nl: 'Terug naar mijn keuzes', en: 'Back to my choices' },
  'mitz.form.errors': { nl: 'Er is een probleem', en: 'There is a problem' },
  'mitz.form.error.gegevenscategorie': {
    nl: 'Kies over welke gegevens uw keuze gaat.',
    en: 'Choose which data your choice is about.',
  },
  'mitz.form.error.keuze': { nl: 'Kies ja of nee.', en: 'Choose yes or no.' },
  'mitz.form.error.raadpleger': {
    nl: 'Kies voor welke zorgaanbieders uw keuze geldt.',
    en: 'Choose which care providers your choice applies to.',
  },
  'mitz.form.error.dossierhouder': {
    nl: 'Kies waar de gegevens staan, of kies bij alle zorgaanbieders.',
    en: 'Choose where the data are held, or choose held by all care providers.',
  },

  // Withdrawing a choice.
  'mitz.withdraw.title': { nl: 'Keuze intrekken', en: 'Withdraw a choice' },
  'mitz.withdraw.question': {
    nl: 'Weet u zeker dat u deze keuze wilt intrekken?',
    en: 'Are you sure you want to withdraw this choice?',
  },
  'mitz.withdraw.effect': {
    nl: 'Daarna geldt wat uw andere keuzes zeggen. Heeft u geen andere keuze die hiervoor geldt, dan mogen deze zorgaanbieders deze gegevens niet inzien.',
    en: 'After that, your other choices apply. If no other choice of yours applies, these care providers may not see this data.',
  },
  'mitz.withdraw.yes': { nl: 'Ja, keuze intrekken', en: 'Yes, withdraw the choice' },
  'mitz.withdraw.no': { nl: 'Nee, terug naar mijn keuzes', en: 'No, back to my choices' },

  // The history.
  'mitz.history.title': { nl: 'Geschiedenis van uw keuzes', en: 'History of your choices' },
  'mitz.history.intro': {
    nl: 'Elke keer dat een keuze is gegeven, gewijzigd of ingetrokken, met wie dat deed en wanneer. Het nieuwste staat bovenaan.',
    en: 'Every time a choice was given, changed or withdrawn, with who did it and when. The newest is at the top.',
  },
  'mitz.history.none': {
    nl: 'Er zijn nog geen keuzes vastgelegd.',
    en: 'No choices have been recorded yet.',
  },
  'mitz.history.by': { nl: 'Vastgelegd {by}.', en: 'Recorded {by}.' },

  // Not logged in (any more), on a form post.
  'mitz.session.title': { nl: 'U bent niet (meer) ingelogd', en: 'You are not logged in (any more)' },
  'mitz.session.body': {
    nl: 'Uw sessie bij MijnMitz is verlopen. Er is niets veranderd. Log opnieuw in.',
    en: 'Your MijnMitz session has expired. Nothing has changed. Please log in again.',
  },

  // A login that did not succeed.
  'mitz.login.again': { nl: 'Opnieuw inloggen met DigiD', en: 'Log in with DigiD again' },
  'mitz.login.back': { nl: 'Terug naar MijnMitz', en: 'Back to MijnMitz' },
  'mitz.login.cancelled.title': { nl: 'Inloggen afgebroken', en: 'Login cancelled' },
  'mitz.login.cancelled.body': {
    nl: 'U heeft het inloggen bij DigiD afgebroken. U bent niet ingelogd en er is niets veranderd.',
    en: 'You cancelled the login at DigiD. You are not logged in and nothing has changed.',
  },
  'mitz.login.failed.title': { nl: 'Inloggen is niet gelukt', en: 'Login failed' },
  'mitz.login.failed.body': {
    nl: 'DigiD gaf geen geldig antwoord. U bent niet ingelogd. Probeer het opnieuw.',
    en: 'DigiD gave no valid answer. You are not logged in. Please try again.',
  },
  'mitz.login.expired.title': { nl: 'Inloggen verlopen', en: 'Login expired' },
  'mitz.login.expired.body': {
    nl: 'Deze inlogpoging is verlopen, al gebruikt of in een andere browser begonnen. U bent niet ingelogd. Begin opnieuw.',
    en: 'This login attempt has expired, was already used or was started in another browser. You are not logged in. Please start again.',
  },
  'mitz.login.loa.title': { nl: 'DigiD-niveau te laag', en: 'DigiD level too low' },
  'mitz.login.loa.body': {
    nl: 'Voor MijnMitz is DigiD op niveau Substantieel of hoger nodig, bijvoorbeeld de DigiD app met ID-check. U bent niet ingelogd.',
    en: 'MijnMitz needs DigiD at level Substantieel (substantial) or higher, for example the DigiD app with ID check. You are not logged in.',
  },
  'mitz.login.unavailable.title': { nl: 'DigiD is niet bereikbaar', en: 'DigiD cannot be reached' },
  'mitz.login.unavailable.body': {
    nl: 'DigiD reageert op dit moment niet. Probeer het later opnieuw.',
    en: 'DigiD is not responding at the moment. Please try again later.',
  },
} as const satisfies Messages;
