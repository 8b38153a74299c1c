// Graceful shutdown of `dezi start`: on SIGTERM the instance stops accepting connections, finishes the
// request in flight, closes its database and exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from './helpers/dezi.ts';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');

function rawRequest(
  port: number,
  head: string,
): { socket: ReturnType<typeof connect>; response: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  const response = new Promise<string>((resolve, reject) => {
    socket.on('data', (d) => (data += d.toString('utf8')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  socket.write(head);
  return { socket, response };
}

test('SIGTERM: stops accepting, finishes the request in flight, exits 0', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dezi-shutdown-'));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, 'start'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: 'memory://',
      DEZI_DATA_DIR: dir,
      DEZI_SECRET: '07'.repeat(32),
      LOG_LEVEL: 'info',
      // Not the proeftuin's default UZI-pas port 3443, which a running Dezi may hold.
      DEZI_UZI_PAS_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (!output.includes('Dezi draait')) {
      assert.ok(Date.now() < deadline, `Dezi did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // A request in flight: its body is still on its way when the signal comes.
    const body = 'grant_type=authorization_code&code=abc';
    const inFlight = rawRequest(
      port,
      `POST /token HTTP/1.1\r\nHost: localhost:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));

    // No new connections.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'a new connection is refused');
    assert.equal(child.exitCode, null, 'still running while a request is in flight');

    // The request in flight completes with a real answer.
    inFlight.socket.write(body.slice(10));
    const response = await inFlight.response;
    assert.match(response, /^HTTP\/1\.1 400 /, response.slice(0, 200));
    assert.match(response, /invalid_(request|client)/);

    assert.equal(await exited, 0);
    assert.match(output, /shutting down: draining requests in flight/);
    assert.match(output, /"msg":"shut down"/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
