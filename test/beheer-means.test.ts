// Beheer, login means: each means with its level and its health now; switched off (after confirming)
// and on again at runtime, kept in the database so that another instance (at its next poll) and a
// restart follow; a means the configuration disables cannot be switched on. The per-client means
// policy with dates, set in a form, decides what the login page offers. Each switch and policy change
// is audited with the operator as actor.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOA } from '../src/means/loa.ts';
import { YIVI_MEANS_ID } from '../src/means/yivi/yivi.ts';
import { DEFAULT_OPS } from '../src/ops/config.ts';
import { Browser, findForm } from './helpers/browser.ts';
import { assertNoBsn, auditOf, OPERATOR, OPERATOR_CONFIG, operatorBrowser } from './helpers/beheer.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { startLogin } from './helpers/login.ts';
import { DIGID, offeredMeans, setTestMeansMode, TEST_MEANS, unusableMeans } from './helpers/means.ts';
import { registerRp, type TestRp } from './helpers/rp.ts';

const OPERATOR_ACTOR = `operator:${OPERATOR.deziNummer}`;

/** The row of one means in the table: [name, level, offered, health]. */
function meansRow(body: string, id: string): string[] {
  const row = [...body.matchAll(/<tr(?: class="[^"]*")?>([\s\S]*?)<\/tr>/g)].find(([, tr]) =>
    tr!.includes(`<code>${id}</code>`),
  );
  assert.ok(row, `a row for ${id}`);
  return [...row[1]!.matchAll(/<td(?: class="[^"]*")?>([\s\S]*?)<\/td>/g)].slice(0, 4).map(([, td]) =>
    td!
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

for (const backend of BACKENDS)
  describe(`beheer: login means (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    /** Another instance on the same database, polling every second. */
    let other: TestDezi;
    let rp: TestRp;
    let browser: Browser;

    before(async () => {
      database = await openTestDatabase(backend);
      const config = {
        ...OPERATOR_CONFIG,
        disabledMeans: [YIVI_MEANS_ID],
        ops: { ...DEFAULT_OPS, keyPollSeconds: 1 },
      };
      dezi = await startDezi({ db: database.db, config });
      // Behind one issuer, as instances behind a load balancer are.
      other = await startDezi({ db: database.db, config: { ...config, issuer: dezi.url } });
      rp = await registerRp(dezi.url);
      browser = await operatorBrowser(dezi.url);
    });

    after(async () => {
      await other?.stop();
      await dezi?.stop();
      await database?.close();
    });

    /** The means the login page offers the test zorgapplicatie at level substantial. */
    const offered = async () =>
      offeredMeans((await startLogin(new Browser(), rp, { acr_values: LOA.substantial })).page.body);

    test('each means with its level, whether it is offered, and its health now', async () => {
      const page = await browser.goto(`${dezi.url}/beheer/inlogmiddelen`);
      assert.equal(page.status, 200);
      assert.deepEqual(meansRow(page.body, DIGID).slice(1), ['hoog', 'aan', 'werkt']);
      assert.deepEqual(meansRow(page.body, TEST_MEANS).slice(1), ['substantieel', 'aan', 'werkt']);
      assert.deepEqual(meansRow(page.body, YIVI_MEANS_ID).slice(2, 3), ['uit in de configuratie']);
      assert.doesNotMatch(
        page.body,
        new RegExp(`/beheer/inlogmiddelen/${YIVI_MEANS_ID}/aan`),
        'no switch for it',
      );

      await setTestMeansMode(dezi.url, 'down');
      try {
        const down = await browser.goto(`${dezi.url}/beheer/inlogmiddelen`);
        assert.deepEqual(meansRow(down.body, TEST_MEANS).slice(3), ['storing']);
      } finally {
        await setTestMeansMode(dezi.url, 'up');
      }
    });

    test('switch a means off after confirming: no instance offers it, nor one started later; on again', async () => {
      assert.ok((await offered()).includes(TEST_MEANS));
      const page = await browser.goto(`${dezi.url}/beheer/inlogmiddelen`);
      const confirm = await browser.submit(page, `/beheer/inlogmiddelen/${TEST_MEANS}/uit`);
      assert.match(confirm.body, /Inlogmiddel uitzetten\?/);
      assert.ok(dezi.means.isEnabled(TEST_MEANS), 'not before confirming');
      const done = await browser.submit(confirm, `/beheer/inlogmiddelen/${TEST_MEANS}/uit`);
      assert.match(done.url, /melding=uit$/);
      assert.match(
        meansRow(done.body, TEST_MEANS)[2]!,
        new RegExp(`^uit, door ${OPERATOR_ACTOR} sinds \\d{4}-\\d{2}-\\d{2} `),
      );
      assert.ok(!dezi.means.isEnabled(TEST_MEANS), 'this instance follows at once');
      assert.ok(!(await offered()).includes(TEST_MEANS));
      assert.ok((await offered()).includes(DIGID));

      // The other instance at its next poll (every second here).
      for (let i = 0; other.means.isEnabled(TEST_MEANS); i++) {
        assert.ok(i < 50, 'the other instance follows within a few seconds');
        await new Promise((r) => setTimeout(r, 100));
      }
      // An instance started now (a restart) reads it at start.
      const restarted = await startDezi({
        db: database.db,
        config: { ...OPERATOR_CONFIG, issuer: dezi.url },
      });
      try {
        assert.ok(!restarted.means.isEnabled(TEST_MEANS));
        assert.ok(restarted.means.isEnabled(DIGID));
      } finally {
        await restarted.stop();
      }
      // A posted choice of the switched-off means is refused like an unknown one.
      const person = new Browser();
      const { page: loginPage } = await startLogin(person, rp, { acr_values: LOA.substantial });
      const forced = await person.submit(loginPage, '/means', { means: TEST_MEANS });
      assert.equal(forced.status, 400);
      assert.ok(
        !person.history.some((e) => e.url.includes('/proeftuin/testmiddel/')),
        'the means is not started',
      );

      const [off] = await auditOf(dezi.db, 'means.switch_off');
      assert.deepEqual(
        [off!.actor, off!.actor_kind, off!.target],
        [OPERATOR_ACTOR, 'operator', `means:${TEST_MEANS}`],
      );

      const on = await browser.submit(done, `/beheer/inlogmiddelen/${TEST_MEANS}/aan`);
      assert.match(on.url, /melding=aan$/);
      assert.deepEqual(meansRow(on.body, TEST_MEANS).slice(2, 3), ['aan']);
      assert.ok((await offered()).includes(TEST_MEANS));
      const [onAudit] = await auditOf(dezi.db, 'means.switch_on');
      assert.equal(onAudit!.actor, OPERATOR_ACTOR);
      for (let i = 0; !other.means.isEnabled(TEST_MEANS); i++) {
        assert.ok(i < 50);
        await new Promise((r) => setTimeout(r, 100));
      }
    });

    test('a means the configuration disables cannot be switched on; an unknown means is not found', async () => {
      const page = await browser.goto(`${dezi.url}/beheer/inlogmiddelen`);
      const { csrf } = findForm(page.body, `/beheer/inlogmiddelen/${TEST_MEANS}/uit`).fields;
      const on = await browser.request(`${dezi.url}/beheer/inlogmiddelen/${YIVI_MEANS_ID}/aan`, {
        form: { csrf: csrf! },
      });
      assert.equal(on.status, 409);
      assert.ok(!dezi.means.isEnabled(YIVI_MEANS_ID));
      const unknown = await browser.request(`${dezi.url}/beheer/inlogmiddelen/bestaat-niet/uit`, {
        form: { csrf: csrf!, bevestigd: 'ja' },
      });
      assert.equal(unknown.status, 404);
      assert.equal(
        (await dezi.db.query("SELECT 1 FROM means_switches WHERE means_id = 'bestaat-niet'")).length,
        0,
      );
    });

    test("a zorgapplicatie's means policy with dates, set in the form, decides what its login page offers", async () => {
      const list = await browser.goto(`${dezi.url}/beheer/inlogmiddelen`);
      assert.match(list.body, /Elk inlogmiddel\./);
      const form = await browser.goto(`${dezi.url}/beheer/inlogmiddelen/beleid/${rp.clientId}`);
      assert.equal(form.status, 200);

      const wrong = await browser.submit(form, `/beleid/${rp.clientId}`, {
        [`regel-${DIGID}`]: 'toestaan',
        [`vanaf-${DIGID}`]: '2027-13-01',
        [`regel-${TEST_MEANS}`]: '',
        [`tot-${TEST_MEANS}`]: daysFromNow(30),
      });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, new RegExp(`<a(?: class="[^"]*")? href="#vanaf-${DIGID}">`));
      assert.match(wrong.body, new RegExp(`<a(?: class="[^"]*")? href="#regel-${TEST_MEANS}">`));
      assert.match(wrong.body, /value="2027-13-01"/, 'the input is kept');
      const order = await browser.submit(wrong, `/beleid/${rp.clientId}`, {
        [`regel-${DIGID}`]: 'toestaan',
        [`vanaf-${DIGID}`]: daysFromNow(10),
        [`tot-${DIGID}`]: daysFromNow(5),
        [`tot-${TEST_MEANS}`]: '',
      });
      assert.equal(order.status, 400);
      assert.match(order.body, /&quot;Tot&quot; moet na &quot;Vanaf&quot; liggen/);
      assert.ok((await offered()).includes(TEST_MEANS), 'nothing stored from a refused form');
      assert.equal((await auditOf(dezi.db, 'client.update')).length, 0);

      // DigiD only, from yesterday; the test means excluded from yesterday (no longer accepted).
      const saved = await browser.submit(order, `/beleid/${rp.clientId}`, {
        [`regel-${DIGID}`]: 'toestaan',
        [`vanaf-${DIGID}`]: daysFromNow(-1),
        [`tot-${DIGID}`]: '',
        [`regel-${TEST_MEANS}`]: 'uitsluiten',
        [`vanaf-${TEST_MEANS}`]: daysFromNow(-1),
        [`tot-${TEST_MEANS}`]: '',
      });
      assert.match(saved.url, /melding=beleid$/);
      assert.match(saved.body, /Alleen: DigiD \(proeftuin\) \(vanaf /);
      assert.match(saved.body, /Niet: Testmiddel/);
      const { page: loginPage } = await startLogin(new Browser(), rp, { acr_values: LOA.substantial });
      assert.deepEqual(offeredMeans(loginPage.body), [DIGID]);
      assert.equal(unusableMeans(loginPage.body).length, 1, 'the excluded means is explained');
      const [row] = await dezi.db.query<{ payload: Record<string, unknown> }>(
        "SELECT payload FROM oidc_payloads WHERE model = 'Client' AND id = $1",
        [rp.clientId],
      );
      assert.deepEqual(row!.payload.dezi_allowed_means, [{ means: DIGID, from: daysFromNow(-1) }]);
      assert.deepEqual(row!.payload.dezi_excluded_means, [{ means: TEST_MEANS, from: daysFromNow(-1) }]);
      const [audit] = await auditOf(dezi.db, 'client.update');
      assert.deepEqual(
        [audit!.actor, audit!.client_id, audit!.detail.fields],
        [OPERATOR_ACTOR, rp.clientId, 'means_policy'],
      );

      // The form shows the stored policy; clearing every rule accepts every means again.
      const again = await browser.goto(`${dezi.url}/beheer/inlogmiddelen/beleid/${rp.clientId}`);
      assert.match(again.body, new RegExp(`<option value="toestaan" selected>`));
      assert.match(
        again.body,
        new RegExp(`id="vanaf-${DIGID}"\\s+name="vanaf-${DIGID}"\\s+value="${daysFromNow(-1)}"`),
      );
      const cleared = await browser.submit(again, `/beleid/${rp.clientId}`, {
        [`regel-${DIGID}`]: '',
        [`vanaf-${DIGID}`]: '',
        [`regel-${TEST_MEANS}`]: '',
        [`vanaf-${TEST_MEANS}`]: '',
      });
      assert.match(cleared.url, /melding=beleid$/);
      assert.ok((await offered()).includes(TEST_MEANS));
      const [clearedRow] = await dezi.db.query<{ payload: Record<string, unknown> }>(
        "SELECT payload FROM oidc_payloads WHERE model = 'Client' AND id = $1",
        [rp.clientId],
      );
      assert.equal(clearedRow!.payload.dezi_allowed_means, undefined);
      assert.equal(clearedRow!.payload.dezi_excluded_means, undefined);
      assertNoBsn(browser);
    });
  });
