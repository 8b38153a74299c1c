// The request log: one line per request, written when it completes, with the path but never the
// query string; nothing per request below the configured level; stdout written asynchronously and
// flushed when the process exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDezi, type TestDezi } from './helpers/dezi.ts';

const ROOT = join(import.meta.dirname, '..');

describe('request log', () => {
  let dezi: TestDezi;
  before(async () => {
    dezi = await startDezi();
  });
  after(async () => {
    await dezi?.stop();
  });

  const linesFor = (path: string) =>
    dezi.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.path === path);

  test('one completion line per request: method, path without the query string, status, time', async () => {
    const res = await fetch(`${dezi.url}/.well-known/openid-configuration?code=secret-artifact-123`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const lines = linesFor('/.well-known/openid-configuration');
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const [line] = lines;
    assert.equal(line!.msg, 'request completed');
    assert.equal(line!.method, 'GET');
    assert.equal(line!.status, 200);
    assert.equal(typeof line!.ms, 'number');
    assert.ok(line!.reqId, 'the line names the request');
    assert.ok(!dezi.logs.text().includes('secret-artifact-123'), 'the query string is not logged');
    assert.ok(!dezi.logs.text().includes('incoming request'), 'no separate incoming line');
  });

  test('a Fastify route and an error status are logged the same way', async () => {
    const res = await fetch(`${dezi.url}/no-such-page?x=1`);
    assert.equal(res.status, 404);
    await res.arrayBuffer();
    const lines = linesFor('/no-such-page');
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0]!.status, 404);
  });
});

test('below the configured level no request is logged', async () => {
  const dezi = await startDezi({ config: { logLevel: 'warn' } });
  try {
    const res = await fetch(`${dezi.url}/.well-known/openid-configuration`);
    await res.arrayBuffer();
    assert.deepEqual(dezi.logs.lines, []);
  } finally {
    await dezi.stop();
  }
});

test('stdout is written asynchronously and flushed before the process exits', async () => {
  // A child logs many lines and exits at once: every line must still reach stdout.
  const script = `
    import { processLog } from ${JSON.stringify(join(ROOT, 'src/ops/logging.ts'))};
    const log = processLog('info');
    for (let i = 0; i < 5000; i++) log.logger.info({ i }, 'line');
    log.flush();
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, err);
  const lines = out.split('\n').filter(Boolean);
  assert.equal(lines.length, 5000);
  assert.equal(JSON.parse(lines.at(-1)!).i, 4999);
});
