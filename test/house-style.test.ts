// The house style over HTTP: every page in the NL Design System frame (its stylesheets served by
// Dezi itself, a skip link, a footer with the servicedesk and the statements), the language chosen by
// ?lang, the remembered choice, Accept-Language and then Dutch, no English word on a Dutch page and
// no Dutch word on an English one, error pages that say what next and whom to contact, the login
// choice on a phone, and forms that come back with their errors and what was entered.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../src/config.ts';
import { parseServicedesk, PROEFTUIN_SERVICEDESK } from '../src/config.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { designSystemClasses } from '../src/web/design-classes.ts';
import { acceptedLang } from '../src/web/web.ts';
import { Browser, type Exchange } from './helpers/browser.ts';
import {
  freePort,
  REGISTRATION_TOKEN,
  startDezi,
  uziPasListenerConfig,
  type TestDezi,
} from './helpers/dezi.ts';
import { digidLogin, startLogin, yiviPage } from './helpers/login.ts';
import { offeredMeans } from './helpers/means.ts';
import { registerRp, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // administrator of 90000111
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const BOS = SEED_PERSONS.find((p) => p.achternaam === 'Bos')!; // registered, no BIG registration
const NEVER = 'http://never.invalid/';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** A scripted browser that sends a User-Agent and a cookie of its own with every request. */
function browserWith(o: { userAgent?: string; cookie?: string }): Browser {
  return new Browser({
    fetch: (url, init) => {
      const headers = { ...(init?.headers as Record<string, string>) };
      if (o.userAgent) headers['user-agent'] = o.userAgent;
      if (o.cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${o.cookie}` : o.cookie;
      return fetch(url, { ...init, headers });
    },
  });
}

/** What a person reads: no scripts, no code samples, no element marked as another language (the switch). */
export function readableText(body: string): string {
  return body
    .replace(/<(script|style|code|pre|title)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<(a|span|p)\b[^>]*\slang="[a-z]{2}"[^>]*>[\s\S]*?<\/\1\s*>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** English words of a page's controls that a Dutch page must not show … */
// (Not "Log in": "log in met DigiD" is Dutch too.)
const ENGLISH_UI = /\b(Login|Cancel|Submit|Error|Continue|Back|Save|Sign in|Password)\b/g;
/** … and their Dutch counterparts, which an English page must not show. */
const DUTCH_UI = /\b(Inloggen|Uitloggen|Annuleren|Terug|Fout|Ga verder|Doorgaan|Opslaan|Versturen|Verder)\b/g;

function assertLanguage(page: Exchange, lang: 'nl' | 'en', what: string) {
  assert.equal(page.status < 500, true, `${what}: ${page.status}`);
  assert.match(page.body, new RegExp(`<html lang="${lang}"`), `${what} is in ${lang}`);
  const found = readableText(page.body).match(lang === 'nl' ? ENGLISH_UI : DUTCH_UI);
  assert.equal(found, null, `${what} (${lang}) shows ${JSON.stringify(found)}`);
}

/** The frame every page has: the NL DS stylesheets, the theme, the skip link, the footer. */
function assertFrame(page: Exchange, what: string) {
  assert.match(
    page.body,
    /<link rel="stylesheet" href="\/static\/nlds\/design-tokens\.css\?v=[0-9a-f]{12}"/,
    what,
  );
  assert.match(
    page.body,
    /<link rel="stylesheet" href="\/static\/nlds\/components\.css\?v=[0-9a-f]{12}"/,
    what,
  );
  assert.match(page.body, /<body class="rhc-theme /, `${what}: the theme class`);
  assert.match(page.body, /<a class="nl-skip-link[^"]*" href="#inhoud">/, `${what}: skip link`);
  assert.match(page.body, /<main id="inhoud"/, what);
  assert.match(page.body, /href="mailto:servicedesk@proeftuin\.dezi\.example"/, `${what}: servicedesk`);
  assert.match(page.body, /href="\/privacy"/, `${what}: privacy statement`);
  assert.match(page.body, /href="\/toegankelijkheid"/, `${what}: accessibility statement`);
}

describe('house style: pieces', () => {
  test('Accept-Language: the first of Dutch and English by preference, or none', () => {
    assert.equal(acceptedLang('en-US,en;q=0.9'), 'en');
    assert.equal(acceptedLang('nl-NL,nl;q=0.9,en;q=0.8'), 'nl');
    assert.equal(acceptedLang('de-DE,en;q=0.5,nl;q=0.7'), 'nl');
    assert.equal(acceptedLang('fr, de'), null);
    assert.equal(acceptedLang('*'), null);
    assert.equal(acceptedLang('en;q=0'), null, 'q=0 means not wanted');
    assert.equal(acceptedLang(undefined), null);
  });

  test('plain HTML gets the NL Design System classes; own classes are kept; old class names translated', () => {
    assert.equal(
      designSystemClasses('<h1>Titel</h1>'),
      '<h1 class="nl-heading nl-heading--level-1">Titel</h1>',
    );
    assert.equal(
      designSystemClasses('<p>tekst</p><pre>x</pre>'),
      '<p class="nl-paragraph">tekst</p><pre>x</pre>',
    );
    assert.equal(
      designSystemClasses('<a href="/x">x</a><a id="y">y</a>'),
      '<a class="nl-link" href="/x">x</a><a id="y">y</a>',
    );
    assert.equal(designSystemClasses('<h2 class="eigen">x</h2>'), '<h2 class="eigen">x</h2>');
    assert.match(
      designSystemClasses('<a class="button" href="/x">x</a>'),
      /class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action"/,
    );
    assert.match(
      designSystemClasses('<button class="button button-secondary">x</button>'),
      /class="utrecht-button utrecht-button--secondary-action"/,
    );
    assert.match(
      designSystemClasses('<div class="notice notice-error" role="alert">'),
      /class="utrecht-alert utrecht-alert--error" role="alert"/,
    );
    assert.match(
      designSystemClasses('<input type="text" name="q" />'),
      /class="utrecht-textbox utrecht-textbox--html-input"/,
    );
    assert.equal(
      designSystemClasses('<input type="hidden" name="csrf" />'),
      '<input type="hidden" name="csrf" />',
    );
    // Text is escaped before it gets here: an escaped tag is text, and stays so.
    assert.equal(designSystemClasses('<p>&lt;h1&gt;</p>'), '<p class="nl-paragraph">&lt;h1&gt;</p>');
  });

  test('the servicedesk: proeftuin defaults, checked values, none in production unless configured', () => {
    assert.deepEqual(parseServicedesk({}, 'proeftuin'), PROEFTUIN_SERVICEDESK);
    assert.deepEqual(parseServicedesk({}, 'production'), { email: null, phone: null });
    assert.deepEqual(
      parseServicedesk(
        { DEZI_SERVICEDESK_EMAIL: 'helpdesk@zorg.example', DEZI_SERVICEDESK_PHONE: '+31 70 123 45 67' },
        'production',
      ),
      { email: 'helpdesk@zorg.example', phone: '+31 70 123 45 67' },
    );
    assert.throws(
      () => parseServicedesk({ DEZI_SERVICEDESK_EMAIL: 'geen adres' }, 'production'),
      ConfigError,
    );
    assert.throws(
      () => parseServicedesk({ DEZI_SERVICEDESK_EMAIL: 'a@b.nl"><script>' }, 'production'),
      ConfigError,
    );
    assert.throws(() => parseServicedesk({ DEZI_SERVICEDESK_PHONE: 'bel ons' }, 'proeftuin'), ConfigError);
  });
});

describe('house style over HTTP', () => {
  let dezi: TestDezi;
  let rp: TestRp;

  before(async () => {
    dezi = await startDezi({ config: { uziPas: uziPasListenerConfig(await freePort()) } });
    rp = await registerRp(dezi.url);
  });
  after(async () => {
    await dezi?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Browser().request(`${dezi.url}${path}`, { headers });

  test('the language: ?lang, then the remembered choice, then Accept-Language, then Dutch', async () => {
    const english = await get('/', { 'accept-language': 'en-US,en;q=0.9' });
    assert.match(english.body, /<html lang="en"/);
    assert.match(english.body, /Dezi, the health-care identity/);
    assert.equal(
      english.headers['set-cookie'],
      undefined,
      'a browser language is not remembered as a choice',
    );
    assert.match((await get('/', { 'accept-language': 'nl-NL,en;q=0.5' })).body, /<html lang="nl"/);
    assert.match(
      (await get('/', { 'accept-language': '*' })).body,
      /<html lang="nl"/,
      'Dutch when nothing fits',
    );
    assert.match((await get('/', { 'accept-language': 'de-DE' })).body, /<html lang="nl"/);
    assert.match((await get('/?lang=nl', { 'accept-language': 'en' })).body, /<html lang="nl"/, '?lang wins');
    assert.match(
      (await get('/', { 'accept-language': 'en', cookie: 'dezi_lang=nl' })).body,
      /<html lang="nl"/,
      'the remembered choice wins over the browser',
    );
    const notFound = await get('/bestaat-niet', { 'accept-language': 'en' });
    assert.equal(notFound.status, 404);
    assert.match(notFound.body, /Page not found/);
    // MijnMitz asks web.lang like every page.
    assert.match((await get('/mitz', { 'accept-language': 'en-GB' })).body, /<html lang="en"/);
  });

  test('every page a person reaches without logging in: the frame, in Dutch and in English', async () => {
    for (const path of [
      '/',
      '/privacy',
      '/toegankelijkheid',
      '/registreren',
      '/mijn-dezi',
      '/abonnee',
      '/mitz',
      '/proeftuin',
    ]) {
      for (const lang of ['nl', 'en'] as const) {
        const page = await get(`${path}?lang=${lang}`);
        assert.equal(page.status, 200, `${path} ${lang}`);
        assertFrame(page, path);
        assertLanguage(page, lang, path);
      }
    }
  });

  test('the statements: privacy and accessibility, each in both languages', async () => {
    const privacy = await get('/privacy');
    assert.match(privacy.body, /<h1[^>]*>Privacyverklaring<\/h1>/);
    assert.match(readableText(privacy.body), /functionele cookies/);
    assert.match((await get('/privacy?lang=en')).body, /<h1[^>]*>Privacy statement<\/h1>/);
    const a11y = await get('/toegankelijkheid');
    assert.match(a11y.body, /<h1[^>]*>Toegankelijkheidsverklaring<\/h1>/);
    assert.match(readableText(a11y.body), /WCAG 2\.1 op niveau AA/);
    assert.match((await get('/toegankelijkheid?lang=en')).body, /<h1[^>]*>Accessibility statement<\/h1>/);
  });

  test('an error page says what to do next and whom to contact; 404 has a way back', async () => {
    for (const [path, status] of [
      ['/bestaat-niet', 404],
      ['/mijn-dezi/terug', 400],
    ] as const) {
      for (const lang of ['nl', 'en'] as const) {
        const page = await get(`${path}?lang=${lang}`);
        assert.equal(page.status, status, path);
        assertFrame(page, path);
        assertLanguage(page, lang, path);
        const text = readableText(page.body);
        assert.match(text, lang === 'nl' ? /Wat kunt u doen\?/ : /What can you do\?/, path);
        assert.match(
          text,
          lang === 'nl' ? /Neem contact op met de servicedesk/ : /Contact the Dezi service desk/,
        );
        assert.match(page.body, /<a class="nl-link" href="mailto:servicedesk@proeftuin\.dezi\.example">/);
      }
    }
    assert.match(
      (await get('/bestaat-niet')).body,
      /<a class="utrecht-button-link[^"]*" href="\/"\s*>Naar de startpagina van Dezi<\/a>/,
    );
  });

  test('the NL Design System stylesheets and the icons: served by Dezi, the versioned URL kept a year', async () => {
    const home = await get('/');
    for (const [, path, version] of home.body.matchAll(
      /<link rel="stylesheet" href="([^"?]+)\?v=([0-9a-f]+)"/g,
    )) {
      const css = await get(`${path}?v=${version}`);
      assert.equal(css.status, 200, path);
      assert.match(css.headers['content-type']!, /^text\/css/);
      assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable', path);
      const stale = await get(`${path}?v=000000000000`);
      assert.equal(stale.headers['cache-control'], 'public, max-age=3600', 'another version: briefly');
    }
    assert.match((await get('/static/nlds/components.css')).body, /\.utrecht-button--primary-action/);
    assert.match((await get('/static/nlds/design-tokens.css')).body, /\.rhc-theme\s*\{/);
    const icon = await get('/static/icons/card.svg');
    assert.equal(icon.status, 200);
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal((await get('/static/icons/onbekend.svg')).status, 404);
  });

  test('"Hoe wilt u inloggen?": icons, levels in words, the preferred means first; on a phone the UZI-pas last, explained', async () => {
    const desktop = await startLogin(new Browser(), rp);
    assert.equal(desktop.page.status, 200);
    const offered = offeredMeans(desktop.page.body);
    assert.ok(offered.includes('uzi-pas'), offered.join());
    assert.match(
      desktop.page.body,
      /<img class="dezi-means__icon" src="\/static\/icons\/card\.svg\?v=[0-9a-f]+" alt=""/,
    );
    assert.match(readableText(desktop.page.body), /Betrouwbaarheidsniveau: hoog/);
    assert.doesNotMatch(desktop.page.body, /kaartlezer/, 'a computer is not told about card readers');
    // The first means offered is the one primary button.
    assert.equal(desktop.page.body.match(/utrecht-button--primary-action dezi-means/g)?.length, 1);

    // A means remembered on this device comes first.
    const remembered = await startLogin(browserWith({ cookie: 'dezi_means=uzi-pas' }), rp);
    assert.equal(offeredMeans(remembered.page.body)[0], 'uzi-pas');
    assert.match(readableText(remembered.page.body), /Laatst gebruikt op dit apparaat/);

    // On a phone, even when it was used last on this device, the UZI-pas comes last, under its own heading.
    const phone = browserWith({ userAgent: IPHONE, cookie: 'dezi_means=uzi-pas' });
    const { page: phoneAgain } = await startLogin(phone, rp);
    const order = offeredMeans(phoneAgain.body);
    assert.equal(order.at(-1), 'uzi-pas', order.join());
    assert.ok(order.length > 1);
    const text = readableText(phoneAgain.body);
    assert.match(text, /Op een computer met een kaartlezer UZI-pas/);
    assert.match(
      text,
      /Werkt niet op een telefoon: voor de UZI-pas heeft u een computer met een kaartlezer nodig\./,
    );
    const en = await phone.request(`${phoneAgain.url}?lang=en`);
    assert.match(
      readableText(en.body),
      /Does not work on a phone: the UZI card needs a computer with a card reader\./,
    );
  });

  test('the Yivi page: on a phone "Open de Yivi-app" is the main button, elsewhere the QR code; both lead back to the choice', async () => {
    const browser = new Browser();
    const { page } = await startLogin(browser, rp);
    const qrPage = await yiviPage(browser, page);
    const uid = /\/interaction\/([^/]+)/.exec(page.url)![1]!;
    const back = new RegExp(
      `<a class="nl-link" href="/interaction/${uid}">Annuleren / ander inlogmiddel</a>`,
    );
    assert.match(qrPage.body, back);
    const openApp =
      /<a class="([^"]*)" href="https:\/\/irma\.app\/-\/session#[^"]+"\s*>Open de Yivi-app<\/a>/;
    assert.match(
      qrPage.body.match(openApp)![1]!,
      /secondary-action/,
      'on a computer the app link is secondary',
    );
    assert.ok(qrPage.body.indexOf('dezi-yivi-qr') < qrPage.body.indexOf('irma.app'), 'the QR code first');

    const onPhone = await browser.request(qrPage.url, { headers: { 'user-agent': IPHONE } });
    assert.match(
      onPhone.body.match(openApp)![1]!,
      /primary-action/,
      'on a phone opening the app is the main button',
    );
    assert.ok(onPhone.body.indexOf('irma.app') < onPhone.body.indexOf('dezi-yivi-qr'), 'the app first');
    assert.match(onPhone.body, back);
    // The way back is the choice itself.
    const choice = await browser.goto(`${dezi.url}/interaction/${uid}`);
    assert.equal(choice.status, 200);
    assert.ok(offeredMeans(choice.body).includes('yivi'));
  });

  test('the login pages: no English word on a Dutch page and no Dutch word on an English one', async () => {
    const browser = new Browser();
    const { page } = await startLogin(browser, rp);
    const digid = await browser.submit(page, '/means', { means: 'digid' }, NEVER);
    const choice = await browser.submit(
      digid,
      '/proeftuin/digid/authenticate',
      { bsn: AMRANI.bsn, action: 'login' },
      NEVER,
    );
    assert.ok(choice.url.endsWith('/kies'), choice.url);
    for (const [what, url] of [
      ['login choice', page.url],
      ['employment choice', choice.url],
    ] as const) {
      for (const lang of ['nl', 'en'] as const) {
        const shown = await browser.goto(`${url}?lang=${lang}`);
        assertFrame(shown, what);
        assertLanguage(shown, lang, what);
      }
    }
    // The DigiD stand-in, and a problem page after it.
    for (const lang of ['nl', 'en'] as const) {
      const b = new Browser();
      const login = await startLogin(b, rp);
      const start = await b.goto(`${login.page.url}?lang=${lang}`);
      const stand = await b.submit(start, '/means', { means: 'digid' }, NEVER);
      assertLanguage(stand, lang, 'the DigiD stand-in');
      const unknown = await b.submit(
        stand,
        '/proeftuin/digid/authenticate',
        { bsn: UNKNOWN_TEST_BSN, action: 'login' },
        NEVER,
      );
      assertFrame(unknown, 'not in the register');
      assertLanguage(unknown, lang, 'not in the register');
      assert.match(readableText(unknown.body), lang === 'nl' ? /Wat kunt u doen\?/ : /What can you do\?/);
    }
  });

  test('a form with errors: the summary first, linking to the fields, "Fout:" in the title, the field marked, the input kept (DigiD stand-in, employment choice)', async () => {
    const browser = new Browser();
    const { page } = await startLogin(browser, rp);
    const digid = await browser.submit(page, '/means', { means: 'digid' }, NEVER);
    const wrong = await browser.submit(
      digid,
      '/proeftuin/digid/authenticate',
      { bsn: '123456789', action: 'login' },
      NEVER,
    );
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /<title>Fout: DigiD \(proeftuin\) · Dezi<\/title>/);
    assert.match(
      wrong.body,
      /dezi-error-summary"\s+role="alert"\s+aria-labelledby="fouten-titel"\s+tabindex="-1"\s+autofocus/,
    );
    assert.match(wrong.body, /<a class="nl-link" href="#bsn">Dit is geen geldig BSN/);
    assert.ok(
      !wrong.body.includes('value="123456789"'),
      'a refused BSN is not given back (it may be nearly one)',
    );
    assert.match(wrong.body, /aria-invalid="true"\s+aria-describedby="bsn-hint bsn-error"/);
    assert.match(wrong.body, /id="bsn-error"/);

    const chosen = await browser.submit(
      wrong,
      '/proeftuin/digid/authenticate',
      { bsn: AMRANI.bsn, action: 'login' },
      NEVER,
    );
    const none = await browser.submit(chosen, '/kies', { employment: '' }, NEVER);
    assert.equal(none.status, 400);
    assert.match(none.body, /<title>Fout: Waar werk je\? Wat ben je\? · Dezi<\/title>/);
    assert.match(none.body, /href="#employment-0">Kies een zorgaanbieder en rol\./);
    assert.match(none.body, /id="employment-0"/);
  });

  describe('the abonnee portal: the invitation form comes back with its errors and what was entered', () => {
    let admin: Browser;
    let portal: Exchange;

    before(async () => {
      admin = new Browser();
      const meansPage = await admin.goto(`${dezi.url}/abonnee/inloggen`);
      portal = await digidLogin(admin, meansPage, JANSEN.bsn, NEVER);
      assert.ok(portal.url.endsWith('/abonnee/90000111'), portal.url);
    });

    const invitations = async () =>
      (await dezi.db.query<{ n: number }>('SELECT count(*)::int AS n FROM invitations'))[0]!.n;

    test('a Dezi-nummer that is not one: 400, the same page, the summary, the field marked, the input kept', async () => {
      const before = await invitations();
      const page = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: '12345', rolCode: '01.015', rolCodeBron: 'big' },
        NEVER,
      );
      assert.equal(page.status, 400);
      assert.match(page.body, /<title>Fout: Huisartsenpraktijk De Linde · Dezi<\/title>/);
      assert.doesNotMatch(page.body, /Ongeldige invoer/, 'no separate page that empties the form');
      assert.match(page.body, /<a class="nl-link" href="#deziNummer">Een Dezi-nummer heeft 9 cijfers/);
      assert.ok(
        page.body.indexOf('dezi-error-summary') < page.body.indexOf('<form'),
        'the summary at the top',
      );
      assert.match(page.body, /id="deziNummer"\s+name="deziNummer"\s+value="12345"/);
      assert.match(page.body, /aria-invalid="true"\s+aria-describedby="deziNummer-hint deziNummer-error"/);
      assert.match(page.body, /<option value="01\.015" selected>/, 'the chosen role kept');
      assert.equal(await invitations(), before, 'nothing made');
    });

    test('a role that is not in the table, and an unknown Dezi-nummer: each beside its field', async () => {
      const role = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: '', rolCode: '99.999', rolCodeBron: 'big' },
        NEVER,
      );
      assert.equal(role.status, 400);
      assert.match(role.body, /href="#invite-rol">Kies een rol uit de lijst/);
      assert.match(role.body, /<select[^>]*id="invite-rol"[^>]*aria-invalid="true"/);
      const unknown = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: '900099999', rolCode: '' },
        NEVER,
      );
      assert.equal(unknown.status, 404);
      assert.match(
        unknown.body,
        /href="#deziNummer">Er is geen actieve zorgmedewerker met Dezi-nummer 900099999/,
      );
      assert.match(unknown.body, /value="900099999"/);
    });

    test('a BIG role the person does not hold: 409, beside the role, in English too', async () => {
      const page = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: BOS.deziNummer, rolCode: '01.015', rolCodeBron: 'big' },
        NEVER,
      );
      assert.equal(page.status, 409);
      assert.match(
        page.body,
        new RegExp(
          `href="#invite-rol">De persoon met Dezi-nummer ${BOS.deziNummer} staat niet met de rol Huisarts`,
        ),
      );
      assert.match(page.body, new RegExp(`value="${BOS.deziNummer}"`));
      const en = await admin.request(`${dezi.url}/abonnee/90000111?lang=en`);
      assert.equal(en.status, 200);
      const inEnglish = await admin.submit(
        en,
        '/uitnodigen',
        { deziNummer: BOS.deziNummer, rolCode: '01.015', rolCodeBron: 'big' },
        NEVER,
      );
      assert.match(inEnglish.body, /<title>Error: Huisartsenpraktijk De Linde · Dezi<\/title>/);
      assertLanguage(inEnglish, 'en', 'the abonnee portal with an error');
      await admin.request(`${dezi.url}/abonnee/90000111?lang=nl`);
    });

    test('destructive actions look so: ending an employment, withdrawing an invitation', async () => {
      const page = await admin.goto(`${dezi.url}/abonnee/90000111`);
      assert.match(page.body, /utrecht-button--danger"\s+type="submit"\s*>\s*Koppeling met [^<]+ beëindigen/);
    });
  });

  test('the proeftuin page: the registration token to copy, and the guides', async () => {
    const page = await get('/proeftuin');
    assert.match(page.body, new RegExp(`id="registratietoken"\\s+value="${REGISTRATION_TOKEN}"\\s+readonly`));
    assert.match(
      page.body,
      /<label class="utrecht-form-label" for="registratietoken">Token om te kopiëren<\/label>/,
    );
    const guide = /href="(\/proeftuin\/handleidingen\/operations\.md)"/.exec(page.body);
    assert.ok(guide, 'the operations guide is linked');
    assert.match(page.body, /<code>docs\/operations\.md<\/code>/);
    const text = await get(guide[1]!);
    assert.equal(text.status, 200);
    assert.match(text.headers['content-type']!, /^text\/markdown/);
    assert.match(text.body, /^# /);
    assert.equal((await get('/proeftuin/handleidingen/..%2Fpackage.json')).status, 404);
  });
});

describe('house style: a servicedesk of its own', () => {
  let dezi: TestDezi;
  before(async () => {
    dezi = await startDezi({
      config: { servicedesk: { email: 'helpdesk@zorg.example', phone: '+31 70 123 45 67' } },
    });
  });
  after(async () => {
    await dezi?.stop();
  });

  test('every page shows the configured address and number; an error page offers both', async () => {
    for (const path of ['/', '/bestaat-niet']) {
      const page = await new Browser().request(`${dezi.url}${path}`);
      assert.match(page.body, /href="mailto:helpdesk@zorg\.example"/, path);
      assert.match(page.body, /href="tel:\+31701234567"/, path);
      assert.doesNotMatch(page.body, /proeftuin\.dezi\.example/, path);
    }
    const problem = await new Browser().request(`${dezi.url}/bestaat-niet`);
    assert.match(
      readableText(problem.body),
      /Neem contact op met de servicedesk van Dezi via helpdesk@zorg\.example\s*, of bel \+31 70 123 45 67\s*\./,
    );
  });
});
