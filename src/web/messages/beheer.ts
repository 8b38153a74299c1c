// Texts of beheer, the register operator's portal (src/portal/beheer/), Dutch first.
import type { Messages } from '../i18n.ts';

export const beheerMessages = {
  'beheer.title': { nl: 'Beheer', en: 'Administration' },
  'beheer.nav.label': { nl: 'Onderdelen van beheer', en: 'Parts of administration' },
  'beheer.nav.abonnees': { nl: 'Abonnees', en: 'Abonnees' },
  'beheer.nav.personen': { nl: 'Personen', en: 'Persons' },
  'beheer.nav.zorgapplicaties': { nl: 'Zorgapplicaties', en: 'Care applications' },
  'beheer.nav.inlogmiddelen': { nl: 'Inlogmiddelen', en: 'Login means' },
  'beheer.nav.facturen': { nl: 'Facturen', en: 'Invoices' },
  'beheer.nav.audit': { nl: 'Audittrail', en: 'Audit trail' },
  'beheer.start.intro': {
    nl: 'U bent ingelogd als beheerder van het Dezi-register: {naam} (Dezi-nummer {dezi}). Alles wat u hier doet, wordt op uw naam vastgelegd in de audittrail.',
    en: 'You are logged in as operator of the Dezi register: {naam} (Dezi-nummer {dezi}). Everything you do here is recorded in your name in the audit trail.',
  },
  'beheer.start.abonnees': {
    nl: 'Zorgaanbieders toevoegen, zoeken, schorsen en weer activeren.',
    en: 'Add, find, suspend and reactivate care providers.',
  },
  'beheer.start.personen': {
    nl: 'Zorgmedewerkers zoeken op Dezi-nummer of naam, schorsen, activeren en een naamswijziging vastleggen.',
    en: 'Find care workers by Dezi-nummer or name, suspend, activate and record a change of name.',
  },
  'beheer.start.zorgapplicaties': {
    nl: 'Zorgapplicaties registreren, wijzigen, uitschakelen en hun laatste aanmeldingen bekijken.',
    en: 'Register, change and disable care applications, and see their last logins.',
  },
  'beheer.start.inlogmiddelen': {
    nl: 'De werking van elk inlogmiddel, een inlogmiddel uit- en aanzetten, en welke inlogmiddelen elke zorgapplicatie accepteert.',
    en: 'The health of each login means, switching a means off and on, and which means each care application accepts.',
  },
  'beheer.start.facturen': {
    nl: 'De facturen van alle abonnees, een ontvangen betaling vastleggen, de facturen van een periode maken en herinneringen versturen.',
    en: 'Every abonnee’s invoices, recording a payment received, making a period’s invoices and sending reminders.',
  },
  'beheer.start.audit': {
    nl: 'De audittrail doorzoeken, als CSV exporteren en de hashketen controleren.',
    en: 'Search the audit trail, export it as CSV and check its hash chain.',
  },

  'beheer.search': { nl: 'Zoeken', en: 'Search' },
  'beheer.cancel': { nl: 'Annuleren', en: 'Cancel' },
  'beheer.actions': { nl: 'Acties', en: 'Actions' },
  'beheer.none': { nl: 'geen', en: 'none' },
  'beheer.outcome.success': { nl: 'geslaagd', en: 'succeeded' },
  'beheer.outcome.failure': { nl: 'mislukt', en: 'failed' },

  'beheer.problem.forbidden.title': { nl: 'Geen toegang tot beheer', en: 'No access to administration' },
  'beheer.problem.forbidden.body': {
    nl: 'Beheer is alleen voor de beheerders van het Dezi-register. Bent u beheerder en ziet u dit toch, neem dan contact op met de servicedesk.',
    en: 'Administration is for the operators of the Dezi register only. If you are an operator and still see this, contact the service desk.',
  },
  'beheer.problem.not_found.title': { nl: 'Niet gevonden', en: 'Not found' },
  'beheer.problem.not_found.body': {
    nl: 'Wat u zocht, staat niet in het register. Ga terug en zoek opnieuw.',
    en: 'What you were looking for is not in the register. Go back and search again.',
  },
  'beheer.problem.refused.title': { nl: 'Niet mogelijk', en: 'Not possible' },
  'beheer.problem.refused.body': {
    nl: 'Deze wijziging is niet mogelijk in de huidige toestand. Er is niets gewijzigd.',
    en: 'This change is not possible in the current state. Nothing was changed.',
  },

  // --- abonnees
  'beheer.abonnee.title': { nl: 'Abonnees', en: 'Abonnees' },
  'beheer.abonnee.search': { nl: 'Zoek een abonnee', en: 'Find an abonnee' },
  'beheer.abonnee.search.hint': {
    nl: 'Abonneenummer (URA, 8 cijfers) of een deel van de naam. Leeg: de eerste 50 op naam.',
    en: 'Abonnee number (URA, 8 digits) or part of the name. Empty: the first 50 by name.',
  },
  'beheer.abonnee.found': { nl: 'Gevonden: {n}', en: 'Found: {n}' },
  'beheer.abonnee.none': { nl: 'Geen abonnee gevonden.', en: 'No abonnee found.' },
  'beheer.abonnee.caption': {
    nl: 'Abonnees die passen bij uw zoekopdracht',
    en: 'Abonnees matching your search',
  },
  'beheer.abonnee.nummer': { nl: 'Abonneenummer (URA)', en: 'Abonnee number (URA)' },
  'beheer.abonnee.nummer.hint': { nl: '8 cijfers', en: '8 digits' },
  'beheer.abonnee.naam': { nl: 'Naam', en: 'Name' },
  'beheer.abonnee.kvk': { nl: 'KvK-nummer', en: 'Chamber of Commerce number' },
  'beheer.abonnee.kvk.hint': { nl: '8 cijfers', en: '8 digits' },
  'beheer.abonnee.agb': { nl: 'AGB-code', en: 'AGB code' },
  'beheer.abonnee.agb_optional': { nl: 'AGB-code (niet verplicht)', en: 'AGB code (optional)' },
  'beheer.abonnee.agb.hint': { nl: '8 cijfers', en: '8 digits' },
  'beheer.abonnee.suspend': { nl: '{naam} schorsen', en: 'Suspend {naam}' },
  'beheer.abonnee.activate': { nl: '{naam} weer activeren', en: 'Reactivate {naam}' },
  'beheer.abonnee.audit': { nl: 'Audittrail van {naam}', en: 'Audit trail of {naam}' },
  'beheer.abonnee.invoices': { nl: 'Facturen van {naam}', en: 'Invoices of {naam}' },
  'beheer.abonnee.overdue': {
    nl: 'Betaling te laat (inloggen gaat gewoon door)',
    en: 'Payment overdue (logins go on as usual)',
  },
  'beheer.abonnee.add': { nl: 'Abonnee toevoegen', en: 'Add an abonnee' },
  'beheer.abonnee.add.submit': { nl: 'Abonnee toevoegen', en: 'Add abonnee' },
  'beheer.abonnee.error.nummer': {
    nl: 'Vul een abonneenummer (URA) van 8 cijfers in.',
    en: 'Enter an abonnee number (URA) of 8 digits.',
  },
  'beheer.abonnee.error.exists': {
    nl: 'Er is al een abonnee met dit abonneenummer.',
    en: 'There already is an abonnee with this number.',
  },
  'beheer.abonnee.error.naam': {
    nl: 'Vul de naam van de abonnee in (hoogstens 200 tekens).',
    en: "Enter the abonnee's name (at most 200 characters).",
  },
  'beheer.abonnee.error.kvk': {
    nl: 'Vul een KvK-nummer van 8 cijfers in.',
    en: 'Enter a Chamber of Commerce number of 8 digits.',
  },
  'beheer.abonnee.error.agb': {
    nl: 'Een AGB-code heeft 8 cijfers; laat het veld anders leeg.',
    en: 'An AGB code has 8 digits; otherwise leave the field empty.',
  },
  'beheer.abonnee.suspend.confirm_title': { nl: 'Abonnee schorsen?', en: 'Suspend abonnee?' },
  'beheer.abonnee.suspend.confirm': {
    nl: 'Als u {naam} (URA {nummer}) schorst, worden alle Dezi-verklaringen voor deze abonnee meteen ingetrokken en kan niemand meer namens deze abonnee inloggen, tot u de abonnee weer activeert.',
    en: 'If you suspend {naam} (URA {nummer}), every Dezi-verklaring for this abonnee is revoked at once and nobody can log in on its behalf until you reactivate it.',
  },
  'beheer.abonnee.suspend.yes': { nl: 'Ja, schorsen', en: 'Yes, suspend' },
  'beheer.abonnee.notice.toegevoegd': { nl: 'De abonnee is toegevoegd.', en: 'The abonnee was added.' },
  'beheer.abonnee.notice.geschorst': {
    nl: 'De abonnee is geschorst; zijn verklaringen zijn ingetrokken.',
    en: 'The abonnee is suspended; its verklaringen are revoked.',
  },
  'beheer.abonnee.notice.geactiveerd': {
    nl: 'De abonnee is weer actief.',
    en: 'The abonnee is active again.',
  },

  // --- persons
  'beheer.person.title': { nl: 'Personen', en: 'Persons' },
  'beheer.person.intro': {
    nl: 'Zoek een zorgmedewerker op Dezi-nummer of naam. Zoeken op BSN kan niet: beheer toont nooit een BSN.',
    en: 'Find a care worker by Dezi-nummer or name. Searching by BSN is not possible: administration never shows a BSN.',
  },
  'beheer.person.search': { nl: 'Dezi-nummer of naam', en: 'Dezi-nummer or name' },
  'beheer.person.search.hint': {
    nl: 'Een Dezi-nummer (9 cijfers) of een deel van de achternaam, bijvoorbeeld "de Vries".',
    en: 'A Dezi-nummer (9 digits) or part of the surname, for example "de Vries".',
  },
  'beheer.person.error.query': {
    nl: 'Vul een Dezi-nummer van 9 cijfers in, of een naam van minstens 2 letters zonder cijfers.',
    en: 'Enter a Dezi-nummer of 9 digits, or a name of at least 2 letters without digits.',
  },
  'beheer.person.found': { nl: 'Gevonden: {n}', en: 'Found: {n}' },
  'beheer.person.none': {
    nl: 'Geen persoon gevonden. Controleer het Dezi-nummer of zoek op naam.',
    en: 'No person found. Check the Dezi-nummer or search by name.',
  },
  'beheer.person.caption': {
    nl: 'Personen die passen bij uw zoekopdracht',
    en: 'Persons matching your search',
  },
  'beheer.person.loa': {
    nl: 'Betrouwbaarheidsniveau van de registratie',
    en: 'Level of assurance of the registration',
  },
  'beheer.person.audit': { nl: 'Audittrail van deze persoon', en: 'Audit trail of this person' },
  'beheer.person.status': { nl: 'Schorsen of activeren', en: 'Suspend or activate' },
  'beheer.person.suspend': { nl: 'Persoon schorsen', en: 'Suspend person' },
  'beheer.person.activate': { nl: 'Persoon weer activeren', en: 'Reactivate person' },
  'beheer.person.not_self': {
    nl: 'U kunt uzelf niet schorsen. Vraag een andere beheerder.',
    en: 'You cannot suspend yourself. Ask another operator.',
  },
  'beheer.person.final': {
    nl: 'Deze registratie is beëindigd; de status kan hier niet meer veranderen.',
    en: 'This registration has ended; its status cannot change here any more.',
  },
  'beheer.person.suspend.confirm_title': { nl: 'Persoon schorsen?', en: 'Suspend person?' },
  'beheer.person.suspend.confirm': {
    nl: 'Als u {naam} (Dezi-nummer {dezi}) schorst, worden al zijn of haar Dezi-verklaringen meteen ingetrokken en kan hij of zij niet meer inloggen, tot u de persoon weer activeert.',
    en: 'If you suspend {naam} (Dezi-nummer {dezi}), all their Dezi-verklaringen are revoked at once and they cannot log in until you reactivate them.',
  },
  'beheer.person.suspend.yes': { nl: 'Ja, schorsen', en: 'Yes, suspend' },
  'beheer.person.rename': { nl: 'Naamswijziging vastleggen', en: 'Record a change of name' },
  'beheer.person.rename.intro': {
    nl: 'Neem de nieuwe naam over zoals die in de Basisregistratie Personen staat. Verklaringen met de oude naam worden ingetrokken; inlogmiddelen en koppelingen blijven.',
    en: 'Copy the new name as it is in the Personal Records Database (BRP). Verklaringen with the old name are revoked; login means and employments stay.',
  },
  'beheer.person.rename.submit': { nl: 'Naam opslaan', en: 'Save name' },
  'beheer.person.names': { nl: 'Namen', en: 'Names' },
  'beheer.person.names.caption': {
    nl: 'Alle namen van deze persoon, de oudste eerst',
    en: 'Every name of this person, oldest first',
  },
  'beheer.person.names.until': { nl: 'Gebruikt tot', en: 'Used until' },
  'beheer.person.names.by': { nl: 'Gewijzigd door', en: 'Changed by' },
  'beheer.person.names.current': { nl: 'huidige naam', en: 'current name' },
  'beheer.person.employments': { nl: 'Werkgevers en rollen', en: 'Employers and roles' },
  'beheer.person.employments.caption': {
    nl: 'Koppelingen met abonnees, ook beëindigde',
    en: 'Employments at abonnees, ended ones too',
  },
  'beheer.person.no_employments': { nl: 'Geen koppelingen.', en: 'No employments.' },
  'beheer.person.means': { nl: 'Gekoppelde inlogmiddelen', en: 'Linked login means' },
  'beheer.person.no_means': { nl: 'Geen gekoppelde inlogmiddelen.', en: 'No linked login means.' },
  'beheer.person.other': { nl: 'Een andere persoon zoeken', en: 'Find another person' },
  'beheer.person.notice.geschorst': {
    nl: 'De persoon is geschorst; zijn of haar verklaringen zijn ingetrokken.',
    en: 'The person is suspended; their verklaringen are revoked.',
  },
  'beheer.person.notice.geactiveerd': { nl: 'De persoon is weer actief.', en: 'The person is active again.' },
  'beheer.person.notice.hernoemd': {
    nl: 'De naamswijziging is vastgelegd.',
    en: 'The change of name is recorded.',
  },

  // --- zorgapplicaties
  'beheer.client.title': { nl: 'Zorgapplicaties', en: 'Care applications' },
  'beheer.client.caption': { nl: 'Geregistreerde zorgapplicaties', en: 'Registered care applications' },
  'beheer.client.none': {
    nl: 'Er zijn nog geen zorgapplicaties geregistreerd.',
    en: 'No care applications are registered yet.',
  },
  'beheer.client.name': { nl: 'Naam', en: 'Name' },
  'beheer.client.id': { nl: 'Kenmerk (client_id)', en: 'Identifier (client_id)' },
  'beheer.client.organisation': { nl: 'Organisatie', en: 'Organisation' },
  'beheer.client.organisation_optional': {
    nl: 'Organisatie (niet verplicht)',
    en: 'Organisation (optional)',
  },
  'beheer.client.kind': { nl: 'Soort koppeling', en: 'Kind of connection' },
  'beheer.client.kind.public': { nl: 'Openbaar, met PKCE', en: 'Public, with PKCE' },
  'beheer.client.kind.public.hint': {
    nl: 'Zoals het koppelvlak het beschrijft: de zorgapplicatie heeft geen eigen sleutel.',
    en: 'As the koppelvlak describes it: the care application has no key of its own.',
  },
  'beheer.client.kind.keys': { nl: 'Met eigen sleutels', en: 'With its own keys' },
  'beheer.client.kind.keys.hint': {
    nl: 'De zorgapplicatie ondertekent met een eigen sleutel (private_key_jwt); geef haar publieke sleutels als JWKS.',
    en: 'The care application signs with a key of its own (private_key_jwt); give its public keys as a JWKS.',
  },
  'beheer.client.status.enabled': { nl: 'ingeschakeld', en: 'enabled' },
  'beheer.client.status.disabled': { nl: 'uitgeschakeld', en: 'disabled' },
  'beheer.client.add': { nl: 'Zorgapplicatie registreren', en: 'Register a care application' },
  'beheer.client.add.intro': {
    nl: 'Dezi past dezelfde regels toe als bij het registreren op de opdrachtregel. Na het registreren ziet u het kenmerk (client_id) dat de leverancier nodig heeft.',
    en: 'Dezi applies the same rules as registering on the command line (dezi client add). After registering you see the identifier (client_id) the vendor needs.',
  },
  'beheer.client.add.submit': { nl: 'Registreren', en: 'Register' },
  'beheer.client.redirect_uris': { nl: 'Terugkeeradressen (redirect-URI’s)', en: 'Redirect URIs' },
  'beheer.client.redirect_uris.hint': {
    nl: 'Eén adres per regel; https, of http alleen op localhost.',
    en: 'One address per line; https, or http on localhost only.',
  },
  'beheer.client.jwks': { nl: 'Publieke sleutels (JWKS)', en: 'Public keys (JWKS)' },
  'beheer.client.jwks.hint': {
    nl: 'Alleen bij "Met eigen sleutels": de JSON met "keys", zoals de leverancier die aanlevert.',
    en: 'Only with "With its own keys": the JSON with "keys", as the vendor supplies it.',
  },
  'beheer.client.certificate': {
    nl: 'Versleutelcertificaat (niet verplicht)',
    en: 'Encryption certificate (optional)',
  },
  'beheer.client.certificate.hint': {
    nl: 'Het certificaat (PEM) waarmee Dezi de gegevens voor deze zorgapplicatie versleutelt. Zonder certificaat krijgt zij ze ondertekend maar onversleuteld. Kies een bestand of plak de tekst.',
    en: 'The certificate (PEM) Dezi encrypts the data for this care application to. Without one it gets them signed but not encrypted. Choose a file or paste the text.',
  },
  'beheer.client.certificate.file': { nl: 'Certificaatbestand', en: 'Certificate file' },
  'beheer.client.certificate.paste': { nl: 'Of plak het certificaat', en: 'Or paste the certificate' },
  'beheer.client.technical': { nl: 'Technische melding:', en: 'Technical message:' },
  'beheer.client.error.naam': {
    nl: 'Vul de naam van de zorgapplicatie in (hoogstens 200 tekens).',
    en: 'Enter the name of the care application (at most 200 characters).',
  },
  'beheer.client.error.organisatie': {
    nl: 'De naam van de organisatie is te lang of bevat ongeldige tekens.',
    en: "The organisation's name is too long or holds invalid characters.",
  },
  'beheer.client.error.redirect_missing': {
    nl: 'Vul ten minste één terugkeeradres in.',
    en: 'Enter at least one redirect URI.',
  },
  'beheer.client.error.redirect_many': {
    nl: 'Vul hoogstens {n} terugkeeradressen in.',
    en: 'Enter at most {n} redirect URIs.',
  },
  'beheer.client.error.redirect': {
    nl: '"{uri}" is geen geldig terugkeeradres: gebruik https (http alleen op localhost), zonder #.',
    en: '"{uri}" is not a valid redirect URI: use https (http on localhost only), without #.',
  },
  'beheer.client.error.redirect_rules': {
    nl: 'Een terugkeeradres voldoet niet aan de regels van Dezi: https, of http alleen op localhost.',
    en: "A redirect URI does not meet Dezi's rules: https, or http on localhost only.",
  },
  'beheer.client.error.redirect_hosts': {
    nl: 'Alle terugkeeradressen moeten op dezelfde host staan: Dezi geeft elke zorgapplicatie een eigen pseudoniem per persoon, berekend uit die host.',
    en: 'Every redirect URI must be on the same host: Dezi gives each care application its own pseudonym per person, computed from that host.',
  },
  'beheer.client.error.jwks': {
    nl: 'Plak de publieke sleutels als JSON met een lijst "keys".',
    en: 'Paste the public keys as JSON with a list "keys".',
  },
  'beheer.client.error.jwks_public': {
    nl: 'Een openbare zorgapplicatie heeft geen eigen sleutels: laat dit veld leeg, of kies "Met eigen sleutels".',
    en: 'A public care application has no keys of its own: leave this field empty, or choose "With its own keys".',
  },
  'beheer.client.error.jwks_rules': {
    nl: 'De sleutels voldoen niet aan de regels van Dezi: alleen publieke sleutels, met ten minste één ondertekensleutel.',
    en: "The keys do not meet Dezi's rules: public keys only, with at least one signing key.",
  },
  'beheer.client.error.cert_both': {
    nl: 'Kies een certificaatbestand of plak het certificaat, niet allebei.',
    en: 'Choose a certificate file or paste the certificate, not both.',
  },
  'beheer.client.error.cert_twice': {
    nl: 'Geef de versleutelsleutel óf in de JWKS óf als certificaat, niet allebei.',
    en: 'Give the encryption key either in the JWKS or as a certificate, not both.',
  },
  'beheer.client.error.cert_unreadable': {
    nl: 'Dit is geen leesbaar certificaat in PEM-formaat (het begint met -----BEGIN CERTIFICATE-----).',
    en: 'This is not a readable certificate in PEM format (it begins with -----BEGIN CERTIFICATE-----).',
  },
  'beheer.client.error.cert_key': {
    nl: 'Het certificaat moet een RSA-sleutel van ten minste 2048 bits hebben.',
    en: 'The certificate must hold an RSA key of at least 2048 bits.',
  },
  'beheer.client.error.cert_usage': {
    nl: 'Dit certificaat is niet bedoeld voor versleutelen (het sleutelgebruik staat het niet toe).',
    en: 'This certificate is not meant for encryption (its key usage does not allow it).',
  },
  'beheer.client.error.cert_expired': {
    nl: 'Dit certificaat is verlopen.',
    en: 'This certificate has expired.',
  },
  'beheer.client.error.cert_not_yet': {
    nl: 'Dit certificaat is nog niet geldig.',
    en: 'This certificate is not valid yet.',
  },
  'beheer.client.error.other': {
    nl: 'De gegevens voldoen niet aan de regels van Dezi voor zorgapplicaties. Er is niets opgeslagen.',
    en: "The data do not meet Dezi's rules for care applications. Nothing was stored.",
  },
  'beheer.client.userinfo': { nl: 'Gegevens aan de zorgapplicatie', en: 'Data to the care application' },
  'beheer.client.userinfo.cert': {
    nl: 'versleuteld; certificaat geldig tot {until}',
    en: 'encrypted; certificate valid until {until}',
  },
  'beheer.client.userinfo.key': { nl: 'versleuteld', en: 'encrypted' },
  'beheer.client.userinfo.signed': { nl: 'ondertekend, niet versleuteld', en: 'signed, not encrypted' },
  'beheer.client.disable.title': { nl: 'Uitschakelen', en: 'Disable' },
  'beheer.client.disable.intro': {
    nl: 'Een uitgeschakelde zorgapplicatie kan niemand meer laten inloggen. Haar registratie blijft bewaard, zodat u haar weer kunt inschakelen.',
    en: 'A disabled care application can no longer log anyone in. Its registration is kept, so you can enable it again.',
  },
  'beheer.client.disable': { nl: 'Zorgapplicatie uitschakelen', en: 'Disable care application' },
  'beheer.client.disable.confirm_title': {
    nl: 'Zorgapplicatie uitschakelen?',
    en: 'Disable care application?',
  },
  'beheer.client.disable.confirm': {
    nl: 'Als u {naam} uitschakelt, kan niemand meer via Dezi inloggen bij deze zorgapplicatie, tot u haar weer inschakelt.',
    en: 'If you disable {naam}, nobody can log in to this care application through Dezi until you enable it again.',
  },
  'beheer.client.disable.yes': { nl: 'Ja, uitschakelen', en: 'Yes, disable' },
  'beheer.client.enable.title': { nl: 'Inschakelen', en: 'Enable' },
  'beheer.client.enable': { nl: 'Zorgapplicatie weer inschakelen', en: 'Enable care application again' },
  'beheer.client.change': { nl: 'Naam en terugkeeradressen wijzigen', en: 'Change name and redirect URIs' },
  'beheer.client.change.submit': { nl: 'Wijzigingen opslaan', en: 'Save changes' },
  'beheer.client.logins': { nl: 'Laatste aanmeldingen', en: 'Last logins' },
  'beheer.client.logins.none': {
    nl: 'Er heeft nog niemand ingelogd bij deze zorgapplicatie.',
    en: 'Nobody has logged in to this care application yet.',
  },
  'beheer.client.logins.caption': {
    nl: 'De laatste {n} aanmeldingen, de nieuwste eerst',
    en: 'The last {n} logins, newest first',
  },
  'beheer.client.audit': {
    nl: 'Audittrail van deze zorgapplicatie',
    en: 'Audit trail of this care application',
  },
  'beheer.client.notice.geregistreerd': {
    nl: 'De zorgapplicatie is geregistreerd. Geef de leverancier het kenmerk (client_id) hieronder.',
    en: 'The care application is registered. Give the vendor the identifier (client_id) below.',
  },
  'beheer.client.notice.gewijzigd': { nl: 'De wijzigingen zijn opgeslagen.', en: 'The changes are saved.' },
  'beheer.client.notice.uitgeschakeld': {
    nl: 'De zorgapplicatie is uitgeschakeld.',
    en: 'The care application is disabled.',
  },
  'beheer.client.notice.ingeschakeld': {
    nl: 'De zorgapplicatie is weer ingeschakeld.',
    en: 'The care application is enabled again.',
  },

  // --- login means
  'beheer.means.title': { nl: 'Inlogmiddelen', en: 'Login means' },
  'beheer.means.intro': {
    nl: 'Een uitgezet inlogmiddel wordt nergens meer aangeboden, op alle servers van Dezi, ook na een herstart, tot u het weer aanzet. Een inlogmiddel dat in de configuratie is uitgezet, kunt u hier niet aanzetten.',
    en: 'A means switched off is offered nowhere any more, on every Dezi server, also after a restart, until you switch it on again. A means switched off in the configuration cannot be switched on here.',
  },
  'beheer.means.caption': { nl: 'Erkende inlogmiddelen', en: 'Recognised login means' },
  'beheer.means.name': { nl: 'Inlogmiddel', en: 'Login means' },
  'beheer.means.level': { nl: 'Niveau', en: 'Level' },
  'beheer.means.offered': { nl: 'Aangeboden', en: 'Offered' },
  'beheer.means.health': { nl: 'Werking nu', en: 'Health now' },
  'beheer.means.health.up': { nl: 'werkt', en: 'working' },
  'beheer.means.health.down': { nl: 'storing', en: 'failing' },
  'beheer.means.state.on': { nl: 'aan', en: 'on' },
  'beheer.means.state.switched_off': {
    nl: 'uit, door {by} sinds {when}',
    en: 'off, by {by} since {when}',
  },
  'beheer.means.state.configured_off': { nl: 'uit in de configuratie', en: 'off in the configuration' },
  'beheer.means.switch_off': { nl: '{naam} uitzetten', en: 'Switch {naam} off' },
  'beheer.means.switch_on': { nl: '{naam} aanzetten', en: 'Switch {naam} on' },
  'beheer.means.off.confirm_title': { nl: 'Inlogmiddel uitzetten?', en: 'Switch login means off?' },
  'beheer.means.off.confirm': {
    nl: 'Als u {naam} uitzet, kan niemand er meer mee inloggen, bij geen enkele zorgapplicatie, tot u het weer aanzet.',
    en: 'If you switch {naam} off, nobody can log in with it, at any care application, until you switch it on again.',
  },
  'beheer.means.off.yes': { nl: 'Ja, uitzetten', en: 'Yes, switch off' },
  'beheer.means.notice.uit': { nl: 'Het inlogmiddel is uitgezet.', en: 'The login means is switched off.' },
  'beheer.means.notice.aan': {
    nl: 'Het inlogmiddel is weer aangezet.',
    en: 'The login means is switched on again.',
  },
  'beheer.means.notice.beleid': { nl: 'Het beleid is opgeslagen.', en: 'The policy is saved.' },
  'beheer.means.policies': { nl: 'Beleid per zorgapplicatie', en: 'Policy per care application' },
  'beheer.means.policies.intro': {
    nl: 'Welke inlogmiddelen elke zorgapplicatie accepteert, eventueel vanaf of tot een datum (bijvoorbeeld de UZI-pas tot 1 juli 2027).',
    en: 'Which login means each care application accepts, from or until a date if need be (for example the UZI-pas until 1 July 2027).',
  },
  'beheer.means.policies.caption': {
    nl: 'Beleid van de zorgapplicaties',
    en: 'Policies of the care applications',
  },
  'beheer.means.policy': { nl: 'Inlogmiddelen', en: 'Login means' },
  'beheer.means.policy.all': { nl: 'Elk inlogmiddel.', en: 'Every login means.' },
  'beheer.means.policy.only': { nl: 'Alleen: {list}.', en: 'Only: {list}.' },
  'beheer.means.policy.not': { nl: 'Niet: {list}.', en: 'Not: {list}.' },
  'beheer.means.window.between': { nl: 'van {from} tot {until}', en: 'from {from} until {until}' },
  'beheer.means.window.from': { nl: 'vanaf {from}', en: 'from {from}' },
  'beheer.means.window.until': { nl: 'tot {until}', en: 'until {until}' },
  'beheer.means.policy.change': { nl: 'Beleid van {naam} wijzigen', en: 'Change the policy of {naam}' },
  'beheer.means.policy.title': { nl: 'Inlogmiddelen voor {naam}', en: 'Login means for {naam}' },
  'beheer.means.policy.now': { nl: 'Nu: {policy}', en: 'Now: {policy}' },
  'beheer.means.policy.explain': {
    nl: 'Zonder regels accepteert de zorgapplicatie elk inlogmiddel. Staat een inlogmiddel op "Toegestaan", dan accepteert zij alleen de toegestane inlogmiddelen, binnen hun datums. "Uitgesloten" gaat altijd voor. "Vanaf" telt vanaf het begin van die dag, "Tot" tot het begin van die dag (Nederlandse tijd).',
    en: 'Without rules the care application accepts every login means. Once a means is "Allowed", it accepts only the allowed means, within their dates. "Excluded" always wins. "From" counts from the start of that day, "Until" up to the start of that day (Dutch time).',
  },
  'beheer.means.policy.rule': { nl: 'Regel', en: 'Rule' },
  'beheer.means.policy.rule.none': { nl: 'Geen regel', en: 'No rule' },
  'beheer.means.policy.rule.allow': { nl: 'Toegestaan', en: 'Allowed' },
  'beheer.means.policy.rule.exclude': { nl: 'Uitgesloten', en: 'Excluded' },
  'beheer.means.policy.from': { nl: 'Vanaf (niet verplicht)', en: 'From (optional)' },
  'beheer.means.policy.from.hint': { nl: 'Bijvoorbeeld 2026-01-01', en: 'For example 2026-01-01' },
  'beheer.means.policy.until': { nl: 'Tot (niet verplicht)', en: 'Until (optional)' },
  'beheer.means.policy.until.hint': { nl: 'Bijvoorbeeld 2027-07-01', en: 'For example 2027-07-01' },
  'beheer.means.policy.submit': { nl: 'Beleid opslaan', en: 'Save policy' },
  'beheer.means.policy.error.rule': {
    nl: '{naam}: kies een regel uit de lijst.',
    en: '{naam}: choose a rule from the list.',
  },
  'beheer.means.policy.error.date': {
    nl: '{naam}: vul een bestaande datum in als jjjj-mm-dd.',
    en: '{naam}: enter a real date as yyyy-mm-dd.',
  },
  'beheer.means.policy.error.order': {
    nl: '{naam}: "Tot" moet na "Vanaf" liggen.',
    en: '{naam}: "Until" must be after "From".',
  },
  'beheer.means.policy.error.dates_without_rule': {
    nl: '{naam}: kies een regel, of laat de datums leeg.',
    en: '{naam}: choose a rule, or leave the dates empty.',
  },

  // --- audit trail
  'beheer.audit.title': { nl: 'Audittrail', en: 'Audit trail' },
  'beheer.audit.intro': {
    nl: 'Zoek in de audittrail; vul één of meer velden in. De nieuwste vermeldingen staan bovenaan.',
    en: 'Search the audit trail; fill in one or more fields. The newest entries come first.',
  },
  'beheer.audit.person': { nl: 'Persoon (Dezi-nummer)', en: 'Person (Dezi-nummer)' },
  'beheer.audit.abonnee': { nl: 'Abonnee (URA)', en: 'Abonnee (URA)' },
  'beheer.audit.client': {
    nl: 'Zorgapplicatie (kenmerk, client_id)',
    en: 'Care application (identifier, client_id)',
  },
  'beheer.audit.action': { nl: 'Handeling', en: 'Action' },
  'beheer.audit.action.hint': {
    nl: 'Bijvoorbeeld login, of register.person voor alle handelingen met personen.',
    en: 'For example login, or register.person for every action on persons.',
  },
  'beheer.audit.from': { nl: 'Van (datum)', en: 'From (date)' },
  'beheer.audit.until': { nl: 'Tot en met (datum)', en: 'Up to and including (date)' },
  'beheer.audit.error.person': { nl: 'Een Dezi-nummer heeft 9 cijfers.', en: 'A Dezi-nummer has 9 digits.' },
  'beheer.audit.error.person_unknown': {
    nl: 'Er is geen persoon met dit Dezi-nummer in het register.',
    en: 'There is no person with this Dezi-nummer in the register.',
  },
  'beheer.audit.error.abonnee': {
    nl: 'Een abonneenummer (URA) heeft 8 cijfers.',
    en: 'An abonnee number (URA) has 8 digits.',
  },
  'beheer.audit.error.client': {
    nl: 'Een kenmerk bestaat uit letters, cijfers en . _ : -',
    en: 'An identifier consists of letters, digits and . _ : -',
  },
  'beheer.audit.error.action': {
    nl: 'Een handeling bestaat uit kleine letters, cijfers en . _ -',
    en: 'An action consists of lower-case letters, digits and . _ -',
  },
  'beheer.audit.error.date': {
    nl: 'Vul een bestaande datum in als jjjj-mm-dd.',
    en: 'Enter a real date as yyyy-mm-dd.',
  },
  'beheer.audit.error.order': {
    nl: 'De einddatum ligt vóór de begindatum.',
    en: 'The end date is before the start date.',
  },
  'beheer.audit.results': { nl: 'Resultaten', en: 'Results' },
  'beheer.audit.none': { nl: 'Niets gevonden.', en: 'Nothing found.' },
  'beheer.audit.caption': { nl: '{n} vermeldingen op deze pagina', en: '{n} entries on this page' },
  'beheer.audit.at': { nl: 'Tijdstip', en: 'Time' },
  'beheer.audit.actor': { nl: 'Door', en: 'By' },
  'beheer.audit.target': { nl: 'Betreft', en: 'Concerns' },
  'beheer.audit.outcome': { nl: 'Uitkomst', en: 'Outcome' },
  'beheer.audit.detail': { nl: 'Details', en: 'Details' },
  'beheer.audit.newer': { nl: 'Nieuwere vermeldingen', en: 'Newer entries' },
  'beheer.audit.older': { nl: 'Oudere vermeldingen', en: 'Older entries' },
  'beheer.audit.export': {
    nl: 'Deze zoekopdracht exporteren als CSV',
    en: 'Export this search as CSV',
  },
  'beheer.audit.verify.title': { nl: 'Controle van de hashketen', en: 'Check of the hash chain' },
  'beheer.audit.verify.intro': {
    nl: 'Elke vermelding is met de vorige verbonden door een hash. De controle rekent de hele keten na, zoals de controle op de opdrachtregel, en toont of er iets is gewijzigd of verwijderd.',
    en: 'Each entry is linked to the one before by a hash. The check recomputes the whole chain, as dezi audit verify does, and shows whether anything was changed or deleted.',
  },
  'beheer.audit.verify.submit': { nl: 'Hashketen nu controleren', en: 'Check the hash chain now' },
  'beheer.audit.verify.records': {
    nl: '{n} vermeldingen gecontroleerd; de laatste is nummer {seq}.',
    en: '{n} entries checked; the last is number {seq}.',
  },
  'beheer.audit.verify.head': { nl: 'Hash van de laatste vermelding:', en: 'Hash of the last entry:' },
  'beheer.audit.verify.empty': { nl: 'De audittrail is nog leeg.', en: 'The audit trail is still empty.' },
  'beheer.audit.verify.intact': { nl: 'De hashketen is intact.', en: 'The hash chain is intact.' },
  'beheer.audit.verify.altered': {
    nl: 'De audittrail is gewijzigd: {n} problemen gevonden.',
    en: 'The audit trail was altered: {n} problems found.',
  },
  'beheer.audit.verify.changed': {
    nl: 'Vermelding {seq} is gewijzigd nadat ze is geschreven.',
    en: 'Entry {seq} was changed after it was written.',
  },
  'beheer.audit.verify.deleted': {
    nl: 'Vóór vermelding {seq} ontbreken vermeldingen (verwijderd).',
    en: 'Entries before entry {seq} are missing (deleted).',
  },
  'beheer.audit.verify.out_of_order': {
    nl: 'Vermelding {seq} volgt niet op de vorige: een eerdere vermelding is vervangen.',
    en: 'Entry {seq} does not follow the one before: an earlier entry was replaced.',
  },
  'beheer.audit.verify.pending': {
    nl: '{n} nieuwere vermeldingen zijn nog niet in de keten opgenomen (geschreven tijdens de controle).',
    en: '{n} newer entries are not in the chain yet (written during the check).',
  },

  // --- fees ----------------------------------------------------------------------------------
  'beheer.invoices.title': { nl: 'Facturen', en: 'Invoices' },
  'beheer.invoices.intro': {
    nl: 'De facturen van alle abonnees, nieuwste eerst. Een abonnee die te laat betaalt, kan gewoon blijven inloggen: zorg gaat voor.',
    en: 'Every abonnee’s invoices, newest first. An abonnee that pays late can go on logging in: care comes first.',
  },
  'beheer.invoices.filter.abonnee': { nl: 'Abonneenummer (URA)', en: 'Abonnee number (URA)' },
  'beheer.invoices.filter.abonnee.hint': {
    nl: 'Acht cijfers. Leeg: alle abonnees.',
    en: 'Eight digits. Empty: every abonnee.',
  },
  'beheer.invoices.filter.status': { nl: 'Status', en: 'Status' },
  'beheer.invoices.filter.status.all': { nl: 'Alle', en: 'All' },
  'beheer.invoices.filter.period': { nl: 'Periode', en: 'Period' },
  'beheer.invoices.filter.period.hint': {
    nl: 'Een maand zoals 2026-11 of een kwartaal zoals 2026-Q4. Leeg: alle periodes.',
    en: 'A month such as 2026-11 or a quarter such as 2026-Q4. Empty: every period.',
  },
  'beheer.invoices.error.abonnee': {
    nl: 'Vul het abonneenummer van een bestaande abonnee in: acht cijfers',
    en: 'Enter the number of an existing abonnee: eight digits',
  },
  'beheer.invoices.error.status': { nl: 'Kies een status uit de lijst', en: 'Choose a status from the list' },
  'beheer.invoices.error.period': {
    nl: 'Vul een periode in zoals 2026-11 of 2026-Q4',
    en: 'Enter a period such as 2026-11 or 2026-Q4',
  },
  'beheer.invoices.found': { nl: 'Gevonden facturen: {n}', en: 'Invoices found: {n}' },
  'beheer.invoices.none': { nl: 'Geen factuur gevonden.', en: 'No invoice found.' },
  'beheer.invoices.outstanding': {
    nl: 'Nog te betalen op deze facturen',
    en: 'Outstanding on these invoices',
  },
  'beheer.invoices.caption': {
    nl: 'Gevonden facturen, nieuwste eerst',
    en: 'Invoices found, newest first',
  },
  'beheer.invoices.notice.gemaakt': {
    nl: 'De facturen van deze periode zijn gemaakt: {n}.',
    en: 'The invoices of this period are made: {n}.',
  },
  'beheer.invoices.notice.niets_gemaakt': {
    nl: 'Er is geen nieuwe factuur gemaakt: elke abonnee met iets te betalen had al een factuur voor deze periode.',
    en: 'No new invoice was made: every abonnee with something due already had an invoice for this period.',
  },
  'beheer.invoices.notice.herinnerd': {
    nl: 'Herinneringen verstuurd: {n}. Ze staan bij de facturen, ook in het abonneeportaal.',
    en: 'Reminders sent: {n}. They show on the invoices, in the abonnee portal too.',
  },
  'beheer.invoices.notice.geen_herinneringen': {
    nl: 'Er was geen herinnering te versturen.',
    en: 'There was no reminder to send.',
  },
  'beheer.invoices.no_tariff': {
    nl: 'Er is geen tarief ingesteld (DEZI_TARIFF_FILE). Zonder tarief maakt Dezi geen facturen; zie de handleiding voor beheer.',
    en: 'No tariff is configured (DEZI_TARIFF_FILE). Without a tariff Dezi makes no invoices; see the operations guide.',
  },
  'beheer.invoices.run.title': { nl: 'Facturen van een periode maken', en: 'Make the invoices of a period' },
  'beheer.invoices.run.intro': {
    nl: 'Elke abonnee met registraties in een afgelopen periode krijgt één factuur. Nog een keer maken voor dezelfde periode maakt geen dubbele facturen. Daarna worden de herinneringen verstuurd die nodig zijn.',
    en: 'Every abonnee with registrations in a period that has ended gets one invoice. Making them again for the same period makes no duplicates. Then the reminders that are due are sent.',
  },
  'beheer.invoices.run.period': { nl: 'Periode', en: 'Period' },
  'beheer.invoices.run.period.month': {
    nl: 'Een afgelopen maand, zoals 2026-11.',
    en: 'A month that has ended, such as 2026-11.',
  },
  'beheer.invoices.run.period.quarter': {
    nl: 'Een afgelopen kwartaal, zoals 2026-Q3.',
    en: 'A quarter that has ended, such as 2026-Q3.',
  },
  'beheer.invoices.run.submit': { nl: 'Facturen maken', en: 'Make invoices' },
  'beheer.invoices.run.error.month': {
    nl: 'Vul een maand in zoals 2026-11: de facturen gaan per maand',
    en: 'Enter a month such as 2026-11: invoices are made per month',
  },
  'beheer.invoices.run.error.quarter': {
    nl: 'Vul een kwartaal in zoals 2026-Q3: de facturen gaan per kwartaal',
    en: 'Enter a quarter such as 2026-Q3: invoices are made per quarter',
  },
  'beheer.invoices.run.error.not_ended': {
    nl: 'De periode {period} is nog niet afgelopen: de facturen kunnen vanaf {date} gemaakt worden',
    en: 'The period {period} has not ended yet: its invoices can be made from {date}',
  },
  'beheer.invoices.remind.title': { nl: 'Herinneringen versturen', en: 'Send reminders' },
  'beheer.invoices.remind.intro': {
    nl: 'Een factuur die na de vervaldatum niet betaald is, krijgt een herinnering, en daarna elke {days} dagen weer een.',
    en: 'An invoice unpaid after its due date gets a reminder, and another one every {days} days after that.',
  },
  'beheer.invoices.remind.submit': { nl: 'Herinneringen versturen', en: 'Send reminders' },

  'beheer.invoice.notice.betaald': {
    nl: 'De betaling is vastgelegd.',
    en: 'The payment is recorded.',
  },
  'beheer.invoice.pay.title': { nl: 'Betaling vastleggen', en: 'Record a payment' },
  'beheer.invoice.pay.amount': { nl: 'Ontvangen bedrag in euro', en: 'Amount received in euros' },
  'beheer.invoice.pay.amount.hint': {
    nl: 'Bijvoorbeeld 255,00. Nog te betalen: {amount}.',
    en: 'For example 255.00. Outstanding: {amount}.',
  },
  'beheer.invoice.pay.date': { nl: 'Ontvangen op', en: 'Received on' },
  'beheer.invoice.pay.submit': { nl: 'Betaling vastleggen', en: 'Record payment' },
  'beheer.invoice.pay.error.amount': {
    nl: 'Vul een bedrag in euro in, meer dan 0, zoals 255,00',
    en: 'Enter an amount in euros, more than 0, such as 255.00',
  },
  'beheer.invoice.pay.error.too_much': {
    nl: 'Het bedrag is meer dan er nog te betalen is ({amount})',
    en: 'The amount is more than is outstanding ({amount})',
  },
  'beheer.invoice.pay.error.date': {
    nl: 'Vul de datum in waarop de betaling is ontvangen',
    en: 'Enter the date the payment was received',
  },
  'beheer.invoice.pay.error.future': {
    nl: 'De datum van ontvangst ligt in de toekomst',
    en: 'The date received lies in the future',
  },
  'beheer.invoice.pay.error.before': {
    nl: 'De datum van ontvangst ligt voor de factuurdatum ({date})',
    en: 'The date received lies before the invoice date ({date})',
  },
  'beheer.invoice.pay.error.changed': {
    nl: 'Intussen is er een andere betaling vastgelegd. Kijk wat er nog te betalen is en probeer het opnieuw',
    en: 'Another payment was recorded in the meantime. Check what is outstanding and try again',
  },
  'beheer.invoice.others': { nl: 'Alle facturen van {naam}', en: 'All invoices of {naam}' },
} as const satisfies Messages;
