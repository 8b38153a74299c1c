// Texts of one feature, Dutch first; kept apart so that features do not edit one shared file.
import type { Messages } from '../i18n.ts';

export const uziMessages = {
  'uzi.refused.continue': { nl: 'Terug naar inloggen', en: 'Back to log in' },
  'uzi.refused.no_certificate.title': { nl: 'Geen UZI-pas gevonden', en: 'No UZI card found' },
  'uzi.refused.no_certificate.body': {
    nl: 'Uw browser heeft geen certificaat van een UZI-pas aangeboden. Controleer of de pas in de kaartlezer zit en kies het certificaat van uw UZI-pas als de browser erom vraagt.',
    en: 'Your browser presented no UZI card certificate. Check that the card is in the card reader and choose your UZI card certificate when the browser asks.',
  },
  'uzi.refused.untrusted_proxy.title': { nl: 'Verbinding niet vertrouwd', en: 'Connection not trusted' },
  'uzi.refused.untrusted_proxy.body': {
    nl: 'Het certificaat kwam niet via de vertrouwde route binnen. Gebruik het adres dat Dezi u gaf; meld dit probleem als het blijft optreden.',
    en: 'The certificate did not arrive through the trusted route. Use the address Dezi gave you; report this if it keeps happening.',
  },
  'uzi.refused.garbled_certificate.title': { nl: 'Certificaat onleesbaar', en: 'Certificate unreadable' },
  'uzi.refused.garbled_certificate.body': {
    nl: 'Het aangeboden certificaat kon niet worden gelezen. Probeer het opnieuw of gebruik een andere pas.',
    en: 'The certificate presented could not be read. Try again or use another card.',
  },
  'uzi.refused.unknown_issuer.title': { nl: 'Geen UZI-pas', en: 'Not a UZI card' },
  'uzi.refused.unknown_issuer.body': {
    nl: 'Het aangeboden certificaat is niet uitgegeven door het UZI-register. Kies het certificaat van uw UZI-pas.',
    en: 'The certificate presented was not issued by the UZI register. Choose the certificate of your UZI card.',
  },
  'uzi.refused.bad_signature.title': { nl: 'Certificaat niet echt', en: 'Certificate not genuine' },
  'uzi.refused.bad_signature.body': {
    nl: 'De handtekening op het certificaat klopt niet. Het certificaat is veranderd of vervalst en wordt niet geaccepteerd.',
    en: 'The signature on the certificate does not verify. The certificate was altered or forged and is not accepted.',
  },
  'uzi.refused.not_a_ca.title': { nl: 'Certificaat niet geldig', en: 'Certificate not valid' },
  'uzi.refused.not_a_ca.body': {
    nl: 'Het certificaat is uitgegeven door een certificaat dat geen certificaten mag uitgeven.',
    en: 'The certificate was issued by a certificate that may not issue certificates.',
  },
  'uzi.refused.expired.title': { nl: 'UZI-pas verlopen', en: 'UZI card expired' },
  'uzi.refused.expired.body': {
    nl: 'De geldigheid van deze UZI-pas is verlopen. Vraag een nieuwe pas aan bij het UZI-register.',
    en: 'This UZI card has expired. Apply for a new card at the UZI register.',
  },
  'uzi.refused.not_yet_valid.title': { nl: 'UZI-pas nog niet geldig', en: 'UZI card not yet valid' },
  'uzi.refused.not_yet_valid.body': {
    nl: 'Deze UZI-pas is nog niet geldig. Probeer het opnieuw vanaf de datum waarop de pas geldig wordt.',
    en: 'This UZI card is not valid yet. Try again from the date the card becomes valid.',
  },
  'uzi.refused.revoked.title': { nl: 'UZI-pas ingetrokken', en: 'UZI card revoked' },
  'uzi.refused.revoked.body': {
    nl: 'Deze UZI-pas is ingetrokken en kan niet meer worden gebruikt. Neem contact op met het UZI-register.',
    en: 'This UZI card has been revoked and can no longer be used. Contact the UZI register.',
  },
  'uzi.refused.revocation_unavailable.title': {
    nl: 'Controle van de UZI-pas niet mogelijk',
    en: 'UZI card cannot be checked',
  },
  'uzi.refused.revocation_unavailable.body': {
    nl: 'Dezi kan op dit moment niet controleren of de UZI-pas is ingetrokken, en laat u daarom niet inloggen. Probeer het later opnieuw of kies een ander inlogmiddel.',
    en: 'Dezi cannot check at the moment whether the UZI card has been revoked, and therefore does not log you in. Try again later or choose another login means.',
  },
  'uzi.refused.missing_san.title': { nl: 'Geen UZI-gegevens op de pas', en: 'No UZI data on the card' },
  'uzi.refused.missing_san.body': {
    nl: 'Het certificaat bevat geen UZI-nummer. Kies het authenticatiecertificaat van uw UZI-pas.',
    en: 'The certificate holds no UZI number. Choose the authentication certificate of your UZI card.',
  },
  'uzi.refused.garbled_san.title': { nl: 'UZI-gegevens onleesbaar', en: 'UZI data unreadable' },
  'uzi.refused.garbled_san.body': {
    nl: 'De UZI-gegevens in het certificaat hebben niet de voorgeschreven vorm. Neem contact op met het UZI-register.',
    en: 'The UZI data in the certificate do not have the prescribed form. Contact the UZI register.',
  },
  'uzi.refused.server_card.title': { nl: 'Servercertificaat', en: 'Server certificate' },
  'uzi.refused.server_card.body': {
    nl: 'Dit is een UZI-servercertificaat (type S). Daarmee kan geen persoon inloggen. Gebruik uw persoonlijke UZI-pas.',
    en: 'This is a UZI server certificate (type S). A person cannot log in with it. Use your personal UZI card.',
  },
  'uzi.refused.wrong_key_usage.title': { nl: 'Verkeerd certificaat', en: 'Wrong certificate' },
  'uzi.refused.wrong_key_usage.body': {
    nl: 'Dit certificaat is niet bedoeld om mee in te loggen. Kies het authenticatiecertificaat van uw UZI-pas.',
    en: 'This certificate is not meant for logging in. Choose the authentication certificate of your UZI card.',
  },
} as const satisfies Messages;
