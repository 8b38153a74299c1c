// `dezi api-client add`: the operator's credential for the REST API comes from the command line,
// and works; bad use gets a clear error.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliSandbox } from './helpers/cli.ts';
import { apiKeys, as } from './helpers/api.ts';
import { freePort, startDezi } from './helpers/dezi.ts';

describe('dezi api-client add', () => {
  const { dir, dezi } = cliSandbox('dezi-api-cli-');

  test('an operator client made on the command line adds an abonnee over the API', async () => {
    const { privateKey, jwks } = await apiKeys();
    const jwksFile = join(dir, 'operator-jwks.json');
    writeFileSync(jwksFile, JSON.stringify(jwks));
    const { stdout } = await dezi('api-client', 'add', '--name', 'Beheer', '--operator', '--jwks', jwksFile);
    const { client_id: clientId } = JSON.parse(stdout) as { client_id: string };
    assert.match(clientId, /^api-/);

    const port = await freePort();
    const server = await startDezi({ port, database: { kind: 'pglite', dataDir: join(dir, 'pgdata') } });
    try {
      const res = await as(server.url, { clientId, privateKey })('POST', '/abonnees', {
        abonneeNummer: '90004321',
        naam: 'Praktijk Via CLI',
        kvk: '59004321',
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    } finally {
      await server.stop();
    }

    await assert.rejects(
      dezi('api-client', 'add', '--name', 'X', '--jwks', jwksFile),
      (err: { stderr: string }) => /either --abonnee NNNNNNNN or --operator/.test(err.stderr),
    );
    await assert.rejects(
      dezi('api-client', 'add', '--name', 'X', '--abonnee', '99999999', '--jwks', jwksFile),
      (err: { stderr: string }) => /no abonnee 99999999/.test(err.stderr),
    );
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
    await assert.rejects(
      dezi('api-client', 'add', '--name', 'X', '--operator', '--jwks', jwksFile),
      (err: { stderr: string }) => /jwks keys must be RSA, EC or OKP/.test(err.stderr),
    );
  });
});
