// The handle the routes hold follows the Provider swapped in after a key rotation: methods run on the
// current Provider, model classes are the current Provider's, and requests go to its handler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { LiveProvider } from '../src/oidc/live-provider.ts';

async function provider(kid: string): Promise<Provider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return new Provider('http://localhost:1', {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } as never] },
  });
}

test('the live handle follows the current Provider; setup runs on each one', async () => {
  const first = await provider('one');
  const second = await provider('two');
  const setUp: Provider[] = [];
  const live = new LiveProvider(first, (p) => void setUp.push(p));
  const handle = live.handle;
  assert.equal(handle.Client, first.Client);
  assert.equal(handle.pathFor('jwks'), first.pathFor('jwks'));

  live.swap(second);
  assert.equal(live.current, second);
  assert.deepEqual(setUp, [first, second]);
  assert.equal(handle.Client, second.Client, 'model classes come from the new Provider');
  assert.notEqual(handle.Grant, first.Grant);
  // A method called through the handle runs with the new Provider as `this` (its private state).
  const grant = new handle.Grant({ accountId: 'a', clientId: 'c' });
  assert.ok(grant instanceof second.Grant);
  assert.equal(typeof handle.interactionDetails, 'function');
  assert.equal(handle.urlFor('jwks'), 'http://localhost:1/jwks');
});
