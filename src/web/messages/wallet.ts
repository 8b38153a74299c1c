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
  'wallet.offer.other_device': {
    nl: 'Staat de wallet-app op een ander apparaat? Scan dan deze QR-code.',
    en: 'Is the wallet app on another device? Then scan this QR code.',
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
  'wallet.offer.proeftuin': {
    nl: 'Proeftuin: kopieer de link onder "Open de wallet-app" en plak die met de code in de',
    en: 'Proeftuin: copy the link under "Open the wallet app" and paste it with the code into the',
  },
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
  'wallet.authorize.title': {
    nl: 'Uw verklaring naar uw wallet',
    en: 'Your verklaring to your wallet',
  },
  'wallet.authorize.intro': {
    nl: 'Uw wallet-app vraagt om uw Dezi-verklaring. Kies de werkgever waarvoor u de verklaring in uw wallet zet.',
    en: 'Your wallet app asks for your Dezi-verklaring. Choose the employer for which you put the verklaring in your wallet.',
  },
  'wallet.authorize.cancel': { nl: 'Niet in mijn wallet zetten', en: 'Do not put it in my wallet' },
  'wallet.authorize.elsewhere': {
    nl: 'Niet gevraagd? Ga naar Mijn wallet',
    en: 'Did not ask for this? Go to My wallet',
  },
  'wallet.authorize.unknown.title': {
    nl: 'Dit verzoek van uw wallet werkt niet',
    en: 'This request from your wallet does not work',
  },
  'wallet.authorize.unknown.body': {
    nl: 'Het verzoek is onbekend, verlopen of al gebruikt, of het hoort bij een andere wallet-app. Begin opnieuw in uw wallet-app.',
    en: 'The request is unknown, expired or already used, or it belongs to another wallet app. Start again in your wallet app.',
  },
  'wallet.authorize.no_employment.title': {
    nl: 'U heeft geen actieve werkgever',
    en: 'You have no active employer',
  },
} satisfies Messages;

/** The proeftuin's web test wallet. */
export const testWalletMessages = {
  'testwallet.title': { nl: 'TEST-wallet (proeftuin)', en: 'TEST wallet (proeftuin)' },
  'testwallet.intro': {
    nl: 'Deze wallet speelt in de proeftuin de wallet-app op een telefoon na. Maak in Mijn Dezi een aanbod met "Zet in mijn wallet", kopieer de link onder "Open de wallet-app" en plak die hier, met de code van dat scherm.',
    en: 'In the proeftuin this wallet plays the wallet app on a phone. Make an offer in Mijn Dezi with "Put in my wallet", copy the link under "Open the wallet app" and paste it here, with the code from that screen.',
  },
  'testwallet.offer': { nl: 'Link van het aanbod', en: 'Link of the offer' },
  'testwallet.offer.hint': {
    nl: 'Begint met openid-credential-offer://',
    en: 'Starts with openid-credential-offer://',
  },
  'testwallet.code': { nl: 'Code', en: 'Code' },
  'testwallet.code.hint': { nl: 'Zes cijfers', en: 'Six digits' },
  'testwallet.receive': { nl: 'Ontvangen', en: 'Receive' },
  'testwallet.received': {
    nl: 'De verklaring staat in de TEST-wallet.',
    en: 'The verklaring is in the TEST wallet.',
  },
  'testwallet.removed': {
    nl: 'De verklaring is uit de TEST-wallet verwijderd.',
    en: 'The verklaring has been removed from the TEST wallet.',
  },
  'testwallet.held': { nl: 'In deze wallet', en: 'In this wallet' },
  'testwallet.empty': { nl: 'Deze wallet is leeg.', en: 'This wallet is empty.' },
  'testwallet.credential': { nl: 'Verklaring ontvangen op {when}', en: 'Verklaring received on {when}' },
  'testwallet.status': { nl: 'Status', en: 'Status' },
  'testwallet.status.valid': { nl: 'geldig', en: 'valid' },
  'testwallet.status.revoked': { nl: 'ingetrokken', en: 'revoked' },
  'testwallet.status.expired': { nl: 'verlopen', en: 'expired' },
  'testwallet.status.unknown': {
    nl: 'onbekend (de statuslijst is niet te lezen)',
    en: 'unknown (the status list cannot be read)',
  },
  'testwallet.remove': { nl: 'Verwijderen', en: 'Remove' },
  'testwallet.request.title': { nl: 'Verzoek om te laten zien', en: 'Request to show' },
  'testwallet.request.verifier': { nl: 'Van', en: 'From' },
  'testwallet.request.claims': { nl: 'Vraagt om', en: 'Asks for' },
  'testwallet.request.which': { nl: 'Welke verklaring laat u zien?', en: 'Which verklaring do you show?' },
  'testwallet.request.none': {
    nl: 'Deze wallet heeft geen verklaring om te laten zien. Ontvang er eerst een hieronder.',
    en: 'This wallet has no verklaring to show. Receive one below first.',
  },
  'testwallet.request.present': { nl: 'Laat zien', en: 'Show' },
  'testwallet.pid.title': { nl: 'Of: laat een TEST-PID zien', en: 'Or: show a TEST PID' },
  'testwallet.pid.intro': {
    nl: 'Zoals de NL-wallet zijn persoonsgegevens (PID) laat zien. Dezi vraagt alleen om: {claims}.',
    en: 'As the NL wallet shows its person identification data (PID). Dezi asks only for: {claims}.',
  },
  'testwallet.pid.person': { nl: 'TEST-PID van', en: 'TEST PID of' },
  'testwallet.pid.present': { nl: 'Laat de TEST-PID zien', en: 'Show the TEST PID' },
  'testwallet.request.decline': { nl: 'Weiger', en: 'Decline' },
  'testwallet.presented': {
    nl: 'Getoond. Ga terug naar het andere apparaat en kies daar Verder.',
    en: 'Shown. Go back to the other device and choose Continue there.',
  },
  'testwallet.declined': { nl: 'Geweigerd: er is niets getoond.', en: 'Declined: nothing was shown.' },
  'testwallet.rejected': {
    nl: 'Dezi heeft de verklaring niet aangenomen. Op de inlogpagina staat waarom.',
    en: 'Dezi did not accept the verklaring. The login page says why.',
  },
  'testwallet.error.request': {
    nl: 'Dit verzoek is niet (meer) te openen: het is verlopen, al beantwoord, of niet van deze proeftuin.',
    en: 'This request cannot be opened: it has expired, was answered, or is not of this proeftuin.',
  },
  'testwallet.error.which': { nl: 'Kies een verklaring', en: 'Choose a verklaring' },
  'testwallet.error.offer': {
    nl: 'Plak de link van het aanbod: die begint met openid-credential-offer://',
    en: 'Paste the link of the offer: it starts with openid-credential-offer://',
  },
  'testwallet.error.other_issuer': {
    nl: 'Deze TEST-wallet ontvangt alleen verklaringen die deze proeftuin in Mijn Dezi aanbiedt.',
    en: 'This TEST wallet only receives verklaringen this proeftuin offers in Mijn Dezi.',
  },
  'testwallet.error.code': {
    nl: 'Vul de zes cijfers van de code in',
    en: 'Enter the six digits of the code',
  },
  'testwallet.login.title': { nl: 'Ophalen door in te loggen', en: 'Fetch by logging in' },
  'testwallet.login.intro': {
    nl: 'Of laat de TEST-wallet zelf beginnen: u logt in bij Mijn Dezi, kiest uw werkgever en komt hier terug met de verklaring.',
    en: 'Or let the TEST wallet start on its own: you log in to Mijn Dezi, choose your employer and come back here with the verklaring.',
  },
  'testwallet.login': { nl: 'Haal op via inloggen', en: 'Fetch by logging in' },
  'testwallet.error.login': {
    nl: 'Het ophalen via inloggen is niet gelukt of duurde te lang. Probeer het opnieuw.',
    en: 'Fetching by logging in did not succeed or took too long. Try again.',
  },
  'testwallet.error.refused': {
    nl: 'Dezi gaf de verklaring niet: de code klopt niet, of het aanbod is al gebruikt of verlopen. Maak een nieuw aanbod in Mijn Dezi.',
    en: 'Dezi did not give the verklaring: the code is wrong, or the offer was used or has expired. Make a new offer in Mijn Dezi.',
  },
} satisfies Messages;

/** Logging in with a wallet (the means' page). */
export const walletLoginMessages = {
  'walletlogin.title': { nl: 'Inloggen met uw ID-wallet', en: 'Log in with your ID wallet' },
  'walletlogin.intro': {
    nl: 'Scan de QR-code met de wallet-app op uw telefoon en laat uw Dezi-verklaring zien.',
    en: 'Scan the QR code with the wallet app on your phone and show your Dezi-verklaring.',
  },
  'walletlogin.qr.alt': {
    nl: 'QR-code om in te loggen met uw wallet-app',
    en: 'QR code to log in with your wallet app',
  },
  'walletlogin.this_phone': {
    nl: 'Staat de wallet-app op dit apparaat? Open hem dan direct.',
    en: 'Is the wallet app on this device? Then open it directly.',
  },
  'walletlogin.other_device': {
    nl: 'Staat de wallet-app op een ander apparaat? Scan dan deze QR-code.',
    en: 'Is the wallet app on another device? Then scan this QR code.',
  },
  'walletlogin.open_app': { nl: 'Open de wallet-app', en: 'Open the wallet app' },
  'walletlogin.waiting': {
    nl: 'Wachten op uw wallet-app…',
    en: 'Waiting for your wallet app…',
  },
  'walletlogin.continue': {
    nl: 'Ik heb mijn verklaring laten zien, verder',
    en: 'I have shown my verklaring, continue',
  },
  'walletlogin.not_done': {
    nl: 'Uw wallet-app heeft nog niets laten zien. Scan de QR-code of open de app, en kies daarna opnieuw Verder.',
    en: 'Your wallet app has not shown anything yet. Scan the QR code or open the app, then choose Continue again.',
  },
  'walletlogin.proeftuin.other_device': {
    nl: 'Proeftuin: open dit verzoek in de TEST-wallet (als ander apparaat)',
    en: 'Proeftuin: open this request in the TEST wallet (as another device)',
  },
  'walletlogin.proeftuin.this_device': {
    nl: 'Proeftuin: open dit verzoek in de TEST-wallet (op dit apparaat)',
    en: 'Proeftuin: open this request in the TEST wallet (on this device)',
  },
} satisfies Messages;
