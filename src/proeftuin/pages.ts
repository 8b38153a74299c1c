// The proeftuin's developer page: the test identities (with their test BSNs, so that a vendor can
// log in as any of them) and how to connect a zorgapplicatie.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { roleByCode } from '../register/roles.ts';
import { formField } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { MITZ_TEST_CITIZENS } from './mitz-seed.ts';
import { SEED_ABONNEES, SEED_PERSONS, UNKNOWN_TEST_BSN } from './seed-data.ts';

export const ESEAL_CA_PATH = '/proeftuin/test-eseal-ca.pem';
/** The reference closed question, for the first test citizen: what the curl example sends. */
export const MITZ_EXAMPLE_PATH = '/proeftuin/mitz/gesloten-vraag.xml';
const MITZ_EXAMPLE = readFileSync(
  join(import.meta.dirname, '..', '..', 'examples', 'mitz', 'gesloten-vraag.xml'),
);

/** The guides in docs/, served as text in the proeftuin so a vendor can read them beside the test persons. */
export const GUIDES_PATH = '/proeftuin/handleidingen';
const DOCS = join(import.meta.dirname, '..', '..', 'docs');
const GUIDES = existsSync(DOCS)
  ? readdirSync(DOCS)
      .filter((f) => /^[a-z0-9-]+\.md$/.test(f))
      .sort()
  : [];

export async function proeftuinPages(
  app: FastifyInstance,
  d: { issuer: string; web: Web; esealCaPem: string | null; registrationToken: string | null },
): Promise<void> {
  const abonneeName = new Map(SEED_ABONNEES.map((a) => [a.abonneeNummer, a.naam]));

  // The TEST CA above the TEST eSeal: what a relying party pins in the proeftuin, as it pins
  // PKIoverheid in production. Test data, nothing secret.
  if (d.esealCaPem) {
    const pem = d.esealCaPem;
    app.get(ESEAL_CA_PATH, async (_req, reply) =>
      reply
        .type('application/x-pem-file')
        .header('content-disposition', 'attachment; filename="test-eseal-ca.pem"')
        .send(pem),
    );
  }

  app.get(MITZ_EXAMPLE_PATH, async (_req, reply) =>
    reply
      .type('application/soap+xml; charset=utf-8')
      .header('content-disposition', 'attachment; filename="gesloten-vraag.xml"')
      .send(MITZ_EXAMPLE),
  );

  for (const guide of GUIDES) {
    const text = readFileSync(join(DOCS, guide));
    app.get(`${GUIDES_PATH}/${guide}`, async (_req, reply) =>
      reply.type('text/markdown; charset=utf-8').header('cache-control', 'public, max-age=300').send(text),
    );
  }

  app.get('/proeftuin', async (req, reply) => {
    const lang = d.web.lang(req, reply);
    const nl = lang === 'nl';
    const rows = SEED_PERSONS.map((p) => {
      const name = [p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' ');
      const employments = p.employments.length
        ? p.employments.map((e) => {
            const role = e.rolCode
              ? `${roleByCode(e.rolCode)?.naam ?? e.rolCode} (${e.rolCode}, ${t(lang, `register.role_source.${e.rolCodeBron!}`)})`
              : nl
                ? 'geen rolcode'
                : 'no role code';
            return html`<li>${abonneeName.get(e.abonneeNummer)} (URA ${e.abonneeNummer}): ${role}</li>`;
          })
        : [html`<li>${nl ? 'geen koppeling' : 'no employment'}</li>`];
      return html`<tr>
        <td>
          ${name}${p.status !== 'active' ? html` <strong>(${t(lang, `register.status.${p.status}`)})</strong>` : ''}<br /><span
            class="utrecht-form-field-description"
            >${p.note[lang]}</span
          >
        </td>
        <td><code>${p.bsn}</code></td>
        <td><code>${p.deziNummer}</code></td>
        <td>
          <ul>
            ${employments}
          </ul>
        </td>
      </tr>`;
    });
    const body = html`<h1>${nl ? 'Proeftuin' : 'Proeftuin (test environment)'}</h1>
      <p>
        ${
          nl
            ? 'Hier test u uw zorgapplicatie tegen Dezi. Alle personen en BSN’s hieronder zijn testgegevens.'
            : 'Test your health-care application against Dezi here. All persons and BSNs below are test data.'
        }
      </p>
      ${
        d.registrationToken
          ? html`<h2>${t(lang, 'proeftuin.token.title')}</h2>
              <p>${t(lang, 'proeftuin.token.intro')}</p>
              ${formField({
                id: 'registratietoken',
                label: t(lang, 'proeftuin.token.label'),
                lang,
                control: html`<input
                  class="utrecht-textbox utrecht-textbox--html-input utrecht-textbox--read-only dezi-token"
                  type="text"
                  id="registratietoken"
                  value="${d.registrationToken}"
                  readonly
                  spellcheck="false"
                  autocomplete="off"
                />`,
              })}`
          : ''
      }
      <h2>${t(lang, 'proeftuin.guides.title')}</h2>
      <p>${t(lang, 'proeftuin.guides.intro')}</p>
      <ul>
        ${GUIDES.map(
          (g) =>
            html`<li>
              <a href="${GUIDES_PATH}/${g}"><code>docs/${g}</code></a>
            </li>`,
        )}
      </ul>
      <h2>${nl ? 'Aansluiten' : 'Connecting'}</h2>
      <ul>
        <li>Discovery: <code>${d.issuer}/.well-known/openid-configuration</code></li>
        <li>
          ${nl ? 'Registratie (RFC 7591)' : 'Registration (RFC 7591)'}: <code>${d.issuer}/register</code>,
          ${
            nl
              ? 'met het registratietoken hierboven (DEZI_PROEFTUIN_REGISTRATION_TOKEN).'
              : 'with the registration token above (DEZI_PROEFTUIN_REGISTRATION_TOKEN).'
          }
        </li>
        <li>
          ${
            nl
              ? 'Een publieke client zoals de koppelvlakspecificatie hem beschrijft: registreer met'
              : 'A public client as the interface specification describes it: register with'
          }
          <code>"token_endpoint_auth_method": "none"</code>
          ${
            nl
              ? 'en, voor een versleuteld userinfo-antwoord, uw certificaat als'
              : 'and, for an encrypted userinfo answer, your certificate as'
          }
          <code>{"kty": "RSA", "use": "enc", "x5c": ["…"]}</code>
          ${nl ? 'in' : 'in'} <code>jwks</code>.
        </li>
        <li>
          ${nl ? 'Verklaringen en revocatielijst zijn ondertekend met het TEST-eSeal' : 'Verklaringen and the revocation list are signed with the TEST eSeal'}
          (<code>${d.issuer}/dezi/jwks.json</code>)${
            d.esealCaPem
              ? html`; ${nl ? 'de TEST-CA erboven' : 'the TEST CA above it'}:
                  <a href="${ESEAL_CA_PATH}" download>test-eseal-ca.pem</a>`
              : ''
          }.
          ${nl ? 'Revocatielijst' : 'Revocation list'}: <code>${d.issuer}/revocatiecontrole/v1</code>
        </li>
        <li>
          ${nl ? 'Voorbeeld-zorgapplicatie' : 'Example application'}:
          <code>npm run example</code> (${nl ? 'publieke client' : 'public client'}:
          <code>npm run example -- --public</code>)
        </li>
        <li>
          ${nl ? 'Registratie-API (abonneesystemen)' : 'Register API (abonnee systems)'}:
          <a href="/api/v1/openapi.json"><code>${d.issuer}/api/v1/openapi.json</code></a>
        </li>
        <li>
          <a href="/proeftuin/uzi-pas"
            >${nl ? 'UZI-pas: TEST UZI-passen om te importeren' : 'UZI card: TEST UZI cards to import'}</a
          >
        </li>
        <li>
          <a href="/proeftuin/wallet">${nl ? 'TEST-wallet' : 'TEST wallet'}</a>:
          ${
            nl
              ? 'ontvang een verklaring die u in Mijn Dezi aanbiedt met "Zet in mijn wallet"'
              : 'receive a verklaring you offer in Mijn Dezi with "Put in my wallet"'
          }
        </li>
      </ul>
      <h2>${nl ? 'Portalen' : 'Portals'}</h2>
      <ul>
        <li>
          <a href="/registreren">${nl ? 'Registreren' : 'Register'}</a>:
          ${nl ? 'met een BSN dat nog niet in het register staat' : 'with a BSN not yet in the register'}
        </li>
        <li><a href="/mijn-dezi">Mijn Dezi</a></li>
        <li>
          <a href="/abonnee">${nl ? 'Abonneeportaal' : 'Abonnee portal'}</a>:
          ${nl ? 'J. Jansen beheert Huisartsenpraktijk De Linde' : 'J. Jansen administers Huisartsenpraktijk De Linde'}
        </li>
      </ul>
      <h2>Mitz</h2>
      <p>
        ${
          nl
            ? 'Burgers leggen in MijnMitz vast of hun gegevens gedeeld mogen worden; uw systeem stelt de gesloten autorisatievraag. Deze testburgers hebben al gekozen:'
            : 'Citizens record in MijnMitz whether their data may be shared; your system asks the closed authorisation question. These test citizens have chosen already:'
        }
      </p>
      <div
        class="utrecht-table-container utrecht-table-container--overflow-inline"
        tabindex="0"
        role="region"
        aria-label="${nl ? 'Testburgers in Mitz' : 'Test citizens in Mitz'}"
      >
        <table>
          <caption>
            ${nl ? 'Testburgers in Mitz' : 'Test citizens in Mitz'}
          </caption>
          <thead>
            <tr>
              <th scope="col">BSN</th>
              <th scope="col">${nl ? 'Keuze' : 'Choice'}</th>
              <th scope="col">${nl ? 'Antwoord op de voorbeeldvraag' : 'Answer to the example question'}</th>
            </tr>
          </thead>
          <tbody>
            ${MITZ_TEST_CITIZENS.map(
              (c) =>
                html`<tr>
                  <td><code>${c.bsn}</code></td>
                  <td>${c.note[lang]}</td>
                  <td><code>${c.answer}</code></td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p>
        ${
          nl
            ? 'De voorbeeldvraag (een huisarts vraagt behandelgegevens bij een huisartspraktijk) is het referentiebericht van Mitz, voor de eerste testburger:'
            : 'The example question (a GP asks for treatment data held by a GP practice) is Mitz’s reference message, for the first test citizen:'
        }
        <a href="${MITZ_EXAMPLE_PATH}" download>gesloten-vraag.xml</a>.
        ${nl ? 'Vervang het BSN om de andere antwoorden te zien.' : 'Replace the BSN to see the other answers.'}
      </p>
      <pre><code>curl -s ${d.issuer}${MITZ_EXAMPLE_PATH} -o gesloten-vraag.xml
curl -s -H 'content-type: application/soap+xml' --data-binary @gesloten-vraag.xml   ${d.issuer}/mitz/geslotenautorisatievraag/xacml3</code></pre>
      <ul>
        <li>
          <a href="/mitz">MijnMitz</a>:
          ${nl ? 'log in met DigiD (proeftuin) en een BSN hierboven' : 'log in with DigiD (proeftuin) and a BSN above'}
        </li>
        <li>${nl ? 'Handleiding' : 'Guide'}: <code>docs/mitz.md</code></li>
      </ul>
      <h2>${nl ? 'Testpersonen' : 'Test persons'}</h2>
      <p>
        ${nl ? 'Log in via “DigiD (proeftuin)” en kies een van deze personen, of typ het BSN.' : 'Log in through “DigiD (proeftuin)” and choose one of these persons, or type the BSN.'}
        ${nl ? 'BSN' : 'BSN'}
        <code>${UNKNOWN_TEST_BSN}</code>
        ${nl ? 'is geldig maar staat niet in het register.' : 'is valid but not in the register.'}
      </p>
      <div
        class="utrecht-table-container utrecht-table-container--overflow-inline"
        tabindex="0"
        role="region"
        aria-label="${nl ? 'Testzorgmedewerkers' : 'Test care workers'}"
      >
        <table>
          <caption>
            ${nl ? 'Testzorgmedewerkers' : 'Test care workers'}
          </caption>
          <thead>
            <tr>
              <th scope="col">${nl ? 'Naam' : 'Name'}</th>
              <th scope="col">BSN</th>
              <th scope="col">Dezi-nummer</th>
              <th scope="col">${nl ? 'Koppelingen' : 'Employments'}</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>`;
    return d.web.render(req, reply, { lang, title: 'Proeftuin', body });
  });
}
