// The proeftuin's UZI-pas page: the TEST UZI CA, its revocation lists (served over HTTP as a real
// CA does) and the test cards as PKCS#12 files to import into a browser.
import type { FastifyInstance } from 'fastify';
import type { CrlSource } from '../means/uzi-pas/crl.ts';
import { html } from '../web/html.ts';
import type { Web } from '../web/web.ts';
import { SEED_ABONNEES } from './seed-data.ts';
import { TEST_CARD_PASSWORD, testCas, testCrl, type TestCardPurpose, type TestUziPki } from './uzi-pki.ts';

export const UZI_PROEFTUIN_PATH = '/proeftuin/uzi-pas';

export function proeftuinCrlSources(issuer: string, pki: TestUziPki): CrlSource[] {
  return testCas(pki).map(({ slug }) => ({
    kind: 'url',
    url: `${issuer}${UZI_PROEFTUIN_PATH}/crl/${slug}.crl`,
  }));
}

const PURPOSE: Record<TestCardPurpose, { nl: string; en: string }> = {
  login: { nl: 'logt in', en: 'logs in' },
  revoked: { nl: 'ingetrokken (staat op de CRL)', en: 'revoked (on the CRL)' },
  server_card: { nl: 'servercertificaat (type S), geweigerd', en: 'server certificate (type S), refused' },
  unknown_person: { nl: 'UZI-nummer niet in het register', en: 'UZI-nummer not in the register' },
};

const CARD_TYPE: Record<string, { nl: string; en: string }> = {
  Z: { nl: 'Z zorgverlener', en: 'Z care professional' },
  N: { nl: 'N medewerker op naam', en: 'N named employee' },
  M: { nl: 'M medewerker niet op naam', en: 'M unnamed employee' },
  S: { nl: 'S server', en: 'S server' },
};

export async function uziProeftuinRoutes(
  app: FastifyInstance,
  d: { web: Web; pki: TestUziPki },
): Promise<void> {
  const { pki } = d;
  const cas = new Map(testCas(pki).map((c) => [c.slug, c.ca]));
  const crlCache = new Map<string, { der: Buffer; until: number }>();

  app.get(UZI_PROEFTUIN_PATH, async (req, reply) => {
    const lang = d.web.lang(req, reply);
    const nl = lang === 'nl';
    const abonnee = (n: string) => SEED_ABONNEES.find((a) => a.abonneeNummer === n)?.naam ?? n;
    const rows = pki.cards.map(
      (c) =>
        html`<tr>
          <td>
            ${c.holder}<br /><span class="utrecht-form-field-description">${PURPOSE[c.purpose][lang]}</span>
          </td>
          <td><code>${c.uziNummer}</code></td>
          <td>${CARD_TYPE[c.cardType]![lang]}</td>
          <td>${abonnee(c.abonneeNummer)} (URA ${c.abonneeNummer}), ${c.rolCode}</td>
          <td><a href="${UZI_PROEFTUIN_PATH}/kaarten/${c.id}.p12" download>${c.id}.p12</a></td>
        </tr>`,
    );
    const body = html`<h1>${nl ? 'UZI-pas in de proeftuin' : 'UZI card in the proeftuin'}</h1>
      <p>
        ${
          nl
            ? 'Deze testpassen zijn uitgegeven door een TEST UZI-CA die alleen in deze proeftuin bestaat. Importeer een pas (PKCS#12) in uw browser en kies “UZI-pas” bij het inloggen.'
            : 'These test cards are issued by a TEST UZI CA that exists only in this proeftuin. Import a card (PKCS#12) into your browser and choose “UZI card” when logging in.'
        }
      </p>
      <p>
        ${nl ? 'Wachtwoord van elk .p12-bestand' : 'Password of every .p12 file'}:
        <code>${TEST_CARD_PASSWORD}</code>
      </p>
      <h2>${nl ? 'Importeren' : 'Importing'}</h2>
      <ul>
        <li>
          Chromium / Chrome:
          ${nl ? 'Instellingen › Privacy en beveiliging › Beveiliging › Certificaten beheren › Jouw certificaten › Importeren.' : 'Settings › Privacy and security › Security › Manage certificates › Your certificates › Import.'}
        </li>
        <li>
          Firefox:
          ${nl ? 'Instellingen › Privacy & Beveiliging › Certificaten bekijken › Uw certificaten › Importeren.' : 'Settings › Privacy & Security › View certificates › Your certificates › Import.'}
        </li>
        <li>
          ${nl ? 'De certificaatpagina draait op een eigen HTTPS-poort met een certificaat van de TEST-root. Vertrouw' : 'The certificate page runs on its own HTTPS port with a certificate from the TEST root. Trust'}
          <a href="${UZI_PROEFTUIN_PATH}/ca/root.pem" download>test-uzi-root-ca.pem</a>
          ${nl ? 'als certificaatautoriteit voor websites, of accepteer de waarschuwing van de browser.' : 'as a certificate authority for websites, or accept the browser’s warning.'}
        </li>
      </ul>
      <h2>${nl ? 'Testpassen' : 'Test cards'}</h2>
      <div
        class="utrecht-table-container utrecht-table-container--overflow-inline"
        tabindex="0"
        role="region"
        aria-label="${nl ? 'TEST UZI-passen' : 'TEST UZI cards'}"
      >
        <table>
          <caption>
            ${nl ? 'TEST UZI-passen' : 'TEST UZI cards'}
          </caption>
          <thead>
            <tr>
              <th scope="col">${nl ? 'Houder' : 'Holder'}</th>
              <th scope="col">UZI-nummer</th>
              <th scope="col">${nl ? 'Soort pas' : 'Card type'}</th>
              <th scope="col">${nl ? 'Abonnee en rol' : 'Abonnee and role'}</th>
              <th scope="col">${nl ? 'Bestand' : 'File'}</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>
      <h2>${nl ? 'CA-certificaten en CRL’s' : 'CA certificates and CRLs'}</h2>
      <ul>
        ${testCas(pki).map(
          ({ slug, ca }) =>
            html`<li>
              ${ca.name}: <a href="${UZI_PROEFTUIN_PATH}/ca/${slug}.pem">${slug}.pem</a>,
              <a href="${UZI_PROEFTUIN_PATH}/crl/${slug}.crl">${slug}.crl</a>
            </li>`,
        )}
      </ul>`;
    return d.web.render(req, reply, {
      lang,
      title: nl ? 'UZI-pas in de proeftuin' : 'UZI card in the proeftuin',
      body,
    });
  });

  app.get(`${UZI_PROEFTUIN_PATH}/kaarten/:file`, async (req, reply) => {
    const { file } = req.params as { file: string };
    const card = pki.cards.find((c) => `${c.id}.p12` === file);
    if (!card) return reply.callNotFound();
    return reply
      .type('application/x-pkcs12')
      .header('content-disposition', `attachment; filename="${card.id}.p12"`)
      .header('cache-control', 'no-store')
      .send(card.p12);
  });

  app.get(`${UZI_PROEFTUIN_PATH}/ca/:file`, async (req, reply) => {
    const { file } = req.params as { file: string };
    const ca = cas.get(file.replace(/\.pem$/, ''));
    if (!ca || !file.endsWith('.pem')) return reply.callNotFound();
    return reply.type('application/x-pem-file').send(ca.certPem);
  });

  app.get(`${UZI_PROEFTUIN_PATH}/crl/:file`, async (req, reply) => {
    const { file } = req.params as { file: string };
    const slug = file.replace(/\.crl$/, '');
    const ca = cas.get(slug);
    if (!ca || !file.endsWith('.crl')) return reply.callNotFound();
    let cached = crlCache.get(slug);
    if (!cached || cached.until < Date.now()) {
      // Valid for a day, re-issued every hour: a long-running proeftuin never serves a stale list.
      cached = { der: await testCrl(pki, ca), until: Date.now() + 3600_000 };
      crlCache.set(slug, cached);
    }
    return reply.type('application/pkix-crl').header('cache-control', 'max-age=300').send(cached.der);
  });
}
