// Mijn Dezi's wallet pages: putting the verklaring in a wallet (OpenID4VCI) and the credentials there.
import type { Messages } from '../i18n.ts';

export const walletMessages = {
  'wallet.link': { nl: 'Mijn wallet', en: 'My wallet' },
  'wallet.title': { nl: 'Mijn wallet', en: 'My wallet' },
  'wallet.intro': {
    nl: 'Zet uw Dezi-verklaring in de wallet-app op uw telefoon. Daarna kunt u er ook mee inloggen.',
    en: 'Put your Dezi-verklaring in the wallet app on your phone. You can then also log in with it.',
  },
  'wallet.employments': { nl: 'Uw werkgevers', en: 'Your employers' },
  'wallet.no_employments': {
    nl: 'U heeft geen actieve werkgever. Alleen een verklaring voor een actieve werkgever kan in uw wallet.',
    en: 'You have no active employer. Only a verklaring for an active employer can go into your wallet.',
  },
  'wallet.put': { nl: 'Zet in mijn wallet', en: 'Put in my wallet' },
  'wallet.put_for': { nl: 'voor {abonnee}', en: 'for {abonnee}' },
  'wallet.credentials': { nl: 'In uw wallet', en: 'In your wallet' },
  'wallet.none': {
    nl: 'U heeft nog geen verklaring in een wallet gezet.',
    en: 'You have not put a verklaring in a wallet yet.',
  },
  'wallet.caption': { nl: 'Verklaringen in een wallet ({n})', en: 'Verklaringen in a wallet ({n})' },
  'wallet.col.issued': { nl: 'Gezet op', en: 'Put there on' },
  'wallet.col.valid_until': { nl: 'Geldig tot', en: 'Valid until' },
  'wallet.col.action': { nl: 'Actie', en: 'Action' },
  'wallet.revoke': { nl: 'Intrekken', en: 'Revoke' },
  'wallet.revoke_hint': {
    nl: 'Telefoon kwijt? Trek de verklaring in. Niemand kan er dan nog mee inloggen.',
    en: 'Lost your phone? Revoke the verklaring. Nobody can log in with it any more.',
  },
  'wallet.revoked': {
    nl: 'De verklaring in uw wallet is ingetrokken.',
    en: 'The verklaring in your wallet has been revoked.',
  },
  'wallet.reason.holder_revoked': { nl: 'door uzelf ingetrokken', en: 'revoked by you' },
  'wallet.offer.title': { nl: 'Zet uw verklaring in uw wallet', en: 'Put your verklaring in your wallet' },
  'wallet.offer.scan': {
    nl: 'Open de wallet-app op uw telefoon en scan deze QR-code.',
    en: 'Open the wallet app on your phone and scan this QR code.',
  },
  'wallet.offer.qr_alt': {
    nl: 'QR-code om uw verklaring voor {abonnee} in uw wallet te zetten',
    en: 'QR code to put your verklaring for {abonnee} in your wallet',
  },
  'wallet.offer.same_device': {
    nl: 'Staat de wallet-app op dit apparaat?',
    en: 'Is the wallet app on this device?',
  },
  'wallet.offer.open': { nl: 'Open de wallet-app', en: 'Open the wallet app' },
  'wallet.offer.code': {
    nl: 'Uw wallet vraagt om een code. Vul deze code in:',
    en: 'Your wallet asks for a code. Enter this code:',
  },
  'wallet.offer.once': {
    nl: 'De QR-code en de code zijn {minutes} minuten geldig en werken één keer. Vult u de code verkeerd in, vraag dan hier een nieuwe aan.',
    en: 'The QR code and the code are valid for {minutes} minutes and work once. If you enter the code wrongly, ask for a new one here.',
  },
  'wallet.offer.for': { nl: 'Voor {abonnee}, als {role}.', en: 'For {abonnee}, as {role}.' },
  'wallet.offer.back': { nl: 'Terug naar Mijn wallet', en: 'Back to My wallet' },
  'wallet.high_needed.title': { nl: 'Log in met niveau hoog', en: 'Log in at level high' },
  'wallet.high_needed.body': {
    nl: 'Om uw verklaring in een wallet te zetten moet u zijn ingelogd met een inlogmiddel op niveau hoog. Log uit en log opnieuw in met zo’n inlogmiddel.',
    en: 'To put your verklaring in a wallet you must be logged in with a means at level high. Log out and log in again with such a means.',
  },
  'wallet.not_active.title': { nl: 'Deze werkgever is niet actief', en: 'This employer is not active' },
  'wallet.not_active.body': {
    nl: 'Alleen een verklaring voor een actieve werkgever kan in uw wallet. Kies een andere werkgever.',
    en: 'Only a verklaring for an active employer can go into your wallet. Choose another employer.',
  },
} satisfies Messages;
