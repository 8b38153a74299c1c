// Texts of one feature, Dutch first; kept apart so that features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const portalMessages = {
  'portal.back': { nl: 'Terug', en: 'Back' },
  'portal.logout': { nl: 'Uitloggen', en: 'Log out' },
  'portal.abonnee': { nl: 'Zorgaanbieder', en: 'Care provider' },
  'portal.role': { nl: 'Rol', en: 'Role' },
  'portal.role_source': { nl: 'Bron van de rol', en: 'Source of the role' },
  'portal.role_source.big': { nl: 'BIG-register', en: 'BIG register' },
  'portal.role_source.abonnee': { nl: 'Verklaring van de abonnee', en: 'Declared by the abonnee' },
  'portal.status': { nl: 'Status', en: 'Status' },
  'portal.form.errors': {
    nl: 'Niet alle gegevens zijn goed ingevuld. Bekijk de meldingen bij de velden.',
    en: 'Not every field is filled in correctly. See the messages at the fields.',
  },

  'portal.login_expired.title': { nl: 'Inloggen verlopen', en: 'Login expired' },
  'portal.login_expired.body': {
    nl: 'Deze inlogpoging is verlopen of al gebruikt. Begin opnieuw.',
    en: 'This login attempt has expired or was already used. Please start again.',
  },
  'portal.login_cancelled.title': { nl: 'Inloggen afgebroken', en: 'Login cancelled' },
  'portal.login_cancelled.body': {
    nl: 'Het inloggen is niet afgerond. U kunt het opnieuw proberen.',
    en: 'The login was not completed. You can try again.',
  },
  'portal.loa_too_low.title': { nl: 'Inlogmiddel niet voldoende', en: 'Login means not sufficient' },
  'portal.loa_too_low.body': {
    nl: 'Voor Mijn Dezi is een inlogmiddel op betrouwbaarheidsniveau hoog nodig.',
    en: 'Mijn Dezi needs a login means at level of assurance high.',
  },
  'portal.person_inactive.title': {
    nl: 'Uw zorgidentiteit is niet actief',
    en: 'Your health-care identity is not active',
  },
  'portal.person_inactive.body': {
    nl: 'Uw registratie in het Dezi-register is geschorst of beëindigd. Neem contact op met de servicedesk.',
    en: 'Your registration in the Dezi register is suspended or ended. Contact the service desk.',
  },
  'portal.unknown_means.title': {
    nl: 'Dit inlogmiddel is niet gekoppeld',
    en: 'This login means is not linked',
  },
  'portal.unknown_means.body': {
    nl: 'Bij dit inlogmiddel hoort nog geen zorgidentiteit. Registreer u eerst met DigiD; daarna koppelt u dit inlogmiddel in Mijn Dezi.',
    en: 'This login means belongs to no health-care identity yet. Register with DigiD first; then link this login means in Mijn Dezi.',
  },
  'portal.session_expired.title': {
    nl: 'U bent niet (meer) ingelogd',
    en: 'You are not logged in (any more)',
  },
  'portal.session_expired.body': {
    nl: 'Uw sessie bij Mijn Dezi is verlopen. Log opnieuw in.',
    en: 'Your Mijn Dezi session has expired. Please log in again.',
  },
  'portal.link_other_person.title': { nl: 'Koppelen niet mogelijk', en: 'Cannot link' },
  'portal.link_other_person.body': {
    nl: 'Dit inlogmiddel is al gekoppeld aan een andere zorgidentiteit. Neem contact op met de servicedesk als dit niet klopt.',
    en: 'This login means is already linked to another health-care identity. Contact the service desk if this is wrong.',
  },

  'portal.register.title': { nl: 'Registreren in het Dezi-register', en: 'Register in the Dezi register' },
  'portal.register.intro': {
    nl: 'Als zorgmedewerker registreert u zich één keer. U logt daarvoor in met DigiD (niveau hoog). Daarna krijgt u een Dezi-nummer; uw werkgever kan u dan uitnodigen.',
    en: 'As a care worker you register once. To do so you log in with DigiD (level high). You then receive a Dezi-nummer; your employer can then invite you.',
  },
  'portal.register.start': { nl: 'Inloggen en registreren', en: 'Log in and register' },
  'portal.register.offer': {
    nl: 'U kunt zich nu zelf registreren in het Dezi-register. Daarna kan uw werkgever u uitnodigen.',
    en: 'You can register yourself in the Dezi register now. Your employer can then invite you.',
  },
  'portal.register.offer_button': {
    nl: 'Registreer u in het Dezi-register',
    en: 'Register in the Dezi register',
  },
  'portal.register.details.title': { nl: 'Bevestig uw gegevens', en: 'Confirm your details' },
  'portal.register.details.intro': {
    nl: 'Controleer uw naam zoals die in de Basisregistratie Personen staat. In de proeftuin vult u die zelf in.',
    en: 'Check your name as it is in the Personal Records Database (BRP). In the proeftuin you type it yourself.',
  },
  'portal.register.voorletters': { nl: 'Voorletters', en: 'Initials' },
  'portal.register.voorletters.hint': { nl: 'Bijvoorbeeld J.P.', en: 'For example J.P.' },
  'portal.register.voorvoegsel': { nl: 'Voorvoegsel (niet verplicht)', en: 'Name prefix (optional)' },
  'portal.register.voorvoegsel.hint': {
    nl: 'Bijvoorbeeld van, de of van den',
    en: 'For example van, de or van den',
  },
  'portal.register.achternaam': { nl: 'Achternaam', en: 'Surname' },
  'portal.register.confirm': {
    nl: 'Ik bevestig dat deze gegevens kloppen.',
    en: 'I confirm that these details are correct.',
  },
  'portal.register.submit': { nl: 'Registreren', en: 'Register' },
  'portal.register.error.voorletters': {
    nl: 'Vul uw voorletters in, alleen letters, bijvoorbeeld J.P.',
    en: 'Enter your initials, letters only, for example J.P.',
  },
  'portal.register.error.voorvoegsel': {
    nl: 'Een voorvoegsel bestaat uit kleine letters, bijvoorbeeld van den.',
    en: 'A name prefix consists of lower-case letters, for example van den.',
  },
  'portal.register.error.achternaam': {
    nl: 'Vul uw achternaam in (letters, spaties, koppeltekens).',
    en: 'Enter your surname (letters, spaces, hyphens).',
  },
  'portal.register.error.bevestig': {
    nl: 'Bevestig dat uw gegevens kloppen.',
    en: 'Confirm that your details are correct.',
  },
  'portal.register.exists.title': { nl: 'U bent al geregistreerd', en: 'You are already registered' },
  'portal.register.exists.body': {
    nl: 'Er staat al een zorgidentiteit bij dit inlogmiddel in het Dezi-register. Log in bij Mijn Dezi.',
    en: 'A health-care identity for this login means is already in the Dezi register. Log in to Mijn Dezi.',
  },

  'portal.mijn.title': { nl: 'Mijn Dezi', en: 'Mijn Dezi' },
  'portal.mijn.login_intro': {
    nl: 'In Mijn Dezi ziet u uw Dezi-nummer, uw werkgevers en uw inlogmiddelen. U logt in met een inlogmiddel op niveau hoog.',
    en: 'In Mijn Dezi you see your Dezi-nummer, your employers and your login means. You log in with a login means at level high.',
  },
  'portal.mijn.login': { nl: 'Inloggen', en: 'Log in' },
  'portal.mijn.not_registered': {
    nl: 'Nog niet geregistreerd? Registreer u in het Dezi-register.',
    en: 'Not registered yet? Register in the Dezi register.',
  },
  'portal.mijn.dezi_nummer': { nl: 'Dezi-nummer', en: 'Dezi-nummer' },
  'portal.mijn.name': { nl: 'Naam', en: 'Name' },
  'portal.mijn.employments': { nl: 'Uw werkgevers en rollen', en: 'Your employers and roles' },
  'portal.mijn.no_employments': {
    nl: 'U bent nog niet gekoppeld aan een zorgaanbieder. Vraag uw werkgever om een uitnodiging.',
    en: 'You are not linked to a care provider yet. Ask your employer for an invitation.',
  },
  'portal.mijn.invitations': { nl: 'Uitnodigingen', en: 'Invitations' },
  'portal.mijn.no_invitations': {
    nl: 'Er staan geen uitnodigingen voor u klaar.',
    en: 'There are no invitations for you.',
  },
  'portal.mijn.accept': {
    nl: 'Accepteer de uitnodiging van {abonnee}',
    en: 'Accept the invitation of {abonnee}',
  },
  'portal.mijn.code': { nl: 'Registratiecode van uw werkgever', en: 'Registration code from your employer' },
  'portal.mijn.code.hint': {
    nl: 'Twaalf tekens, bijvoorbeeld ABCD-EFGH-JKMN',
    en: 'Twelve characters, for example ABCD-EFGH-JKMN',
  },
  'portal.mijn.code.submit': { nl: 'Code gebruiken', en: 'Use code' },
  'portal.mijn.means': { nl: 'Uw inlogmiddelen', en: 'Your login means' },
  'portal.mijn.means.intro': {
    nl: 'Met DigiD en de UZI-pas vindt Dezi u altijd. Andere inlogmiddelen koppelt u hier.',
    en: 'Dezi always finds you with DigiD and the UZI card. Link other login means here.',
  },
  'portal.mijn.no_means': {
    nl: 'U heeft geen andere inlogmiddelen gekoppeld.',
    en: 'You have linked no other login means.',
  },
  'portal.mijn.preferred': { nl: 'voorkeur', en: 'preferred' },
  'portal.mijn.make_preferred': { nl: 'Maak {means} uw voorkeur', en: 'Make {means} your preference' },
  'portal.mijn.unlink': { nl: 'Ontkoppel {means}', en: 'Unlink {means}' },
  'portal.mijn.link': { nl: 'Een inlogmiddel koppelen', en: 'Link a login means' },
  'portal.mijn.admin': { nl: 'Beheer voor uw organisatie', en: 'Administration for your organisation' },
  'portal.mijn.admin_link': { nl: 'Naar het abonneeportaal', en: 'To the abonnee portal' },
  'portal.mijn.notice.geregistreerd': {
    nl: 'U bent geregistreerd in het Dezi-register. Hieronder staat uw Dezi-nummer.',
    en: 'You are registered in the Dezi register. Your Dezi-nummer is shown below.',
  },
  'portal.mijn.notice.gekoppeld': { nl: 'Het inlogmiddel is gekoppeld.', en: 'The login means is linked.' },
  'portal.mijn.notice.al-gekoppeld': {
    nl: 'Met dit inlogmiddel vindt Dezi u al; koppelen is niet nodig.',
    en: 'Dezi already finds you with this login means; no link is needed.',
  },
  'portal.mijn.notice.ontkoppeld': {
    nl: 'Het inlogmiddel is ontkoppeld.',
    en: 'The login means is unlinked.',
  },
  'portal.mijn.notice.voorkeur': { nl: 'Uw voorkeur is opgeslagen.', en: 'Your preference is saved.' },
  'portal.mijn.notice.geaccepteerd': {
    nl: 'U heeft de uitnodiging geaccepteerd.',
    en: 'You accepted the invitation.',
  },
  'portal.invitation.failed.title': { nl: 'Uitnodiging niet gevonden', en: 'Invitation not found' },
  'portal.invitation.failed.body': {
    nl: 'Deze uitnodiging of code is onbekend, verlopen of al gebruikt. Vraag uw werkgever om een nieuwe.',
    en: 'This invitation or code is unknown, expired or already used. Ask your employer for a new one.',
  },
  'portal.invitation.refused.title': { nl: 'Uitnodiging niet geaccepteerd', en: 'Invitation not accepted' },
  'portal.invitation.refused.body': {
    nl: 'Het Dezi-register kan deze koppeling niet maken, bijvoorbeeld omdat voor deze rol een BIG-registratie nodig is. Neem contact op met uw werkgever.',
    en: 'The Dezi register cannot make this employment, for instance because the role needs a BIG registration. Contact your employer.',
  },
  'portal.invitation.big.title': {
    nl: 'Deze rol staat niet in uw BIG-registratie',
    en: 'This role is not in your BIG registration',
  },
  'portal.invitation.big.body': {
    nl: 'Deze uitnodiging is voor de rol {rol}, maar u staat niet met die rol in het BIG-register. Het Dezi-register kan deze koppeling daarom niet maken. Neem contact op met uw werkgever.',
    en: 'This invitation is for the role {rol}, but the BIG register does not list you with that role. The Dezi register therefore cannot make this employment. Contact your employer.',
  },
  'portal.invitation.status.pending': { nl: 'openstaand', en: 'pending' },
  'portal.invitation.status.accepted': { nl: 'geaccepteerd', en: 'accepted' },
  'portal.invitation.status.withdrawn': { nl: 'ingetrokken', en: 'withdrawn' },
  'portal.invitation.status.expired': { nl: 'verlopen', en: 'expired' },

  'portal.admin.title': { nl: 'Abonneeportaal', en: 'Abonnee portal' },
  'portal.admin.login_intro': {
    nl: 'Beheerders van een abonnee nodigen hier zorgmedewerkers uit, stellen hun rol in en beëindigen koppelingen. U logt in met een inlogmiddel op niveau hoog.',
    en: "An abonnee's administrators invite care workers here, set their role and end employments. You log in with a login means at level high.",
  },
  'portal.admin.forbidden.title': { nl: 'Geen beheerrechten', en: 'No administrator rights' },
  'portal.admin.forbidden.body': {
    nl: 'U bent geen beheerder van deze abonnee.',
    en: 'You are not an administrator of this abonnee.',
  },
  'portal.admin.not_found.title': { nl: 'Niet gevonden', en: 'Not found' },
  'portal.admin.not_found.body': {
    nl: 'Deze koppeling, uitnodiging of persoon is bij deze abonnee niet gevonden.',
    en: 'This employment, invitation or person was not found at this abonnee.',
  },
  'portal.admin.invalid.title': { nl: 'Ongeldige invoer', en: 'Invalid input' },
  'portal.admin.invalid.body': {
    nl: 'Controleer het Dezi-nummer (9 cijfers) en de rol, en probeer het opnieuw.',
    en: 'Check the Dezi-nummer (9 digits) and the role, and try again.',
  },
  'portal.admin.refused.title': { nl: 'Niet uitgevoerd', en: 'Not done' },
  'portal.admin.refused.body': {
    nl: 'Het Dezi-register staat deze wijziging niet toe, bijvoorbeeld omdat de koppeling al is beëindigd of omdat voor deze rol een BIG-registratie nodig is.',
    en: 'The Dezi register does not allow this change, for instance because the employment has ended or the role needs a BIG registration.',
  },
  'portal.admin.big.title': { nl: 'BIG-registratie ontbreekt', en: 'BIG registration missing' },
  'portal.admin.big.body': {
    nl: 'De persoon met Dezi-nummer {dezi} staat niet met de rol {rol} in het BIG-register. Een BIG-rol kan alleen worden gegeven als de persoon dat beroep heeft, en bij een specialisme dat specialisme. Kies een andere rol of geen rol.',
    en: 'The BIG register does not list the person with Dezi-nummer {dezi} with the role {rol}. A BIG role can only be given when the person holds that profession, and for a specialism that specialism. Choose another role or no role.',
  },
  'portal.admin.big_unavailable.body': {
    nl: 'Het Dezi-register kan het BIG-register niet raadplegen en kan de rol {rol} daarom niet geven. Kies een rol die niet uit het BIG-register komt, of neem contact op met de servicedesk.',
    en: 'The Dezi register cannot consult the BIG register and therefore cannot give the role {rol}. Choose a role that does not come from the BIG register, or contact the service desk.',
  },
  'portal.admin.employments': { nl: 'Zorgmedewerkers', en: 'Care workers' },
  'portal.admin.no_employments': {
    nl: 'Er zijn nog geen zorgmedewerkers gekoppeld.',
    en: 'No care workers are linked yet.',
  },
  'portal.admin.change_role': { nl: 'Rol wijzigen', en: 'Change role' },
  'portal.admin.save_role': { nl: 'Rol opslaan', en: 'Save role' },
  'portal.admin.end': { nl: 'Koppeling met {naam} beëindigen', en: 'End the employment of {naam}' },
  'portal.admin.end.confirm_title': { nl: 'Koppeling beëindigen?', en: 'End the employment?' },
  'portal.admin.end.confirm': {
    nl: 'De koppeling van {naam} met {abonnee} eindigt vandaag. Zijn of haar Dezi-verklaringen voor deze koppeling worden direct ingetrokken.',
    en: 'The employment of {naam} at {abonnee} ends today. Their Dezi-verklaringen for this employment are revoked at once.',
  },
  'portal.admin.end.yes': { nl: 'Ja, beëindigen', en: 'Yes, end it' },
  'portal.admin.end.no': { nl: 'Nee, terug', en: 'No, go back' },
  'portal.admin.invite': { nl: 'Uitnodigen', en: 'Invite' },
  'portal.admin.invite.dezi_nummer': { nl: 'Dezi-nummer (niet verplicht)', en: 'Dezi-nummer (optional)' },
  'portal.admin.invite.hint': {
    nl: 'Zonder Dezi-nummer maakt Dezi een eenmalige registratiecode die u aan de persoon geeft.',
    en: 'Without a Dezi-nummer Dezi makes a one-time registration code that you hand to the person.',
  },
  'portal.admin.invite.big_hint': {
    nl: 'Een rol uit het BIG-register wordt gecontroleerd: bij een uitnodiging op Dezi-nummer meteen, bij een registratiecode pas wanneer de persoon de code gebruikt.',
    en: 'A role from the BIG register is checked: for an invitation by Dezi-nummer right away, for a registration code only when the person uses the code.',
  },
  'portal.admin.invite.submit': { nl: 'Uitnodiging maken', en: 'Create invitation' },
  'portal.admin.invitations': { nl: 'Uitnodigingen', en: 'Invitations' },
  'portal.admin.no_invitations': { nl: 'Er zijn geen uitnodigingen.', en: 'There are no invitations.' },
  'portal.admin.by_code': { nl: 'met registratiecode', en: 'by registration code' },
  'portal.admin.withdraw': { nl: 'Intrekken', en: 'Withdraw' },
  'portal.admin.code.title': { nl: 'Registratiecode', en: 'Registration code' },
  'portal.admin.code.intro': {
    nl: 'Geef deze code aan de persoon. Hij wordt maar één keer getoond en is 14 dagen geldig. De persoon vult hem in bij Mijn Dezi.',
    en: 'Give this code to the person. It is shown only once and is valid for 14 days. The person enters it in Mijn Dezi.',
  },
  'portal.admin.code.role': { nl: 'Rol: {rol}.', en: 'Role: {rol}.' },
  'portal.admin.code.big': {
    nl: '{rol} is een rol uit het BIG-register. Het Dezi-register controleert de BIG-registratie pas wanneer de persoon de code gebruikt: staat de persoon niet met deze rol in het BIG-register, dan kan hij of zij de uitnodiging niet accepteren.',
    en: '{rol} is a role from the BIG register. The Dezi register checks the BIG registration only when the person uses the code: if the BIG register does not list the person with this role, they cannot accept the invitation.',
  },
  'portal.admin.notice.rol': { nl: 'De rol is gewijzigd.', en: 'The role is changed.' },
  'portal.admin.notice.beeindigd': { nl: 'De koppeling is beëindigd.', en: 'The employment is ended.' },
  'portal.admin.notice.uitgenodigd': { nl: 'De uitnodiging is verstuurd.', en: 'The invitation is sent.' },
  'portal.admin.notice.uitgenodigd_aan': {
    nl: 'De uitnodiging voor Dezi-nummer {dezi} als {rol} is verstuurd. De persoon accepteert haar in Mijn Dezi.',
    en: 'The invitation to Dezi-nummer {dezi} as {rol} is sent. The person accepts it in Mijn Dezi.',
  },
  'portal.admin.notice.ingetrokken': {
    nl: 'De uitnodiging is ingetrokken.',
    en: 'The invitation is withdrawn.',
  },
} as const satisfies Messages;
