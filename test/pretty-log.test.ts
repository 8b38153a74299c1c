// The console log at a terminal: each pino JSON line as one short readable line, nothing added and
// nothing lost; JSON stays JSON everywhere else.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { processLog } from '../src/ops/logging.ts';
import { prettyDestination, prettyLine } from '../src/ops/pretty-log.ts';

// 2026-03-04 05:06:07.089 in this process's time zone, whatever that is.
const TIME = new Date(2026, 2, 4, 5, 6, 7, 89).getTime();
const json = (o: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: TIME, pid: 1, hostname: 'h', ...o });

test('a request line: time, level, method, path, status and duration, then the other fields', () => {
  assert.equal(
    prettyLine(
      json({
        method: 'GET',
        path: '/interaction/abc',
        status: 200,
        ms: 12.3,
        reqId: 'req-7',
        msg: 'request completed',
      }),
    ),
    '05:06:07.089 INFO  GET /interaction/abc 200 12.3 ms  reqId=req-7\n',
  );
  // A request that errored says so after the duration.
  assert.equal(
    prettyLine(
      json({
        level: 50,
        method: 'POST',
        path: '/token',
        status: 500,
        ms: 1,
        msg: 'request errored',
        err: { type: 'TypeError', message: 'x is undefined' },
      }),
    ),
    '05:06:07.089 ERROR POST /token 500 1 ms (request errored)  err="TypeError: x is undefined"\n',
  );
});

test('any other line: the message, then its fields as key=value, strings quoted only when they must be', () => {
  assert.equal(
    prettyLine(
      json({ level: 40, msg: 'database unavailable', path: '/token', attempt: 2, listener: 'uzi pas' }),
    ),
    '05:06:07.089 WARN  database unavailable  path=/token attempt=2 listener="uzi pas"\n',
  );
  assert.equal(
    prettyLine(json({ msg: 'started', nested: { a: [1, 2] } })),
    '05:06:07.089 INFO  started  nested={"a":[1,2]}\n',
  );
  assert.equal(prettyLine(json({ level: 60, msg: 'down' })), '05:06:07.089 FATAL down\n');
  assert.equal(prettyLine(json({ level: 20, msg: 'detail' })), '05:06:07.089 DEBUG detail\n');
});

test('colours only when asked; a line that is not JSON passes unchanged', () => {
  assert.equal(
    prettyLine(json({ level: 50, msg: 'boom' }), { colour: true }),
    '05:06:07.089 \u001b[31mERROR\u001b[0m boom\n',
  );
  assert.equal(prettyLine('not json'), 'not json\n');
  assert.equal(prettyLine('42'), '42\n');
});

test('the destination splits what pino writes into lines, and each becomes one readable line', () => {
  const out: string[] = [];
  const destination = prettyDestination({ write: (chunk: string) => out.push(chunk) });
  destination.write(`${json({ msg: 'one' })}\n${json({ msg: 'two' })}\n`);
  assert.deepEqual(out, ['05:06:07.089 INFO  one\n', '05:06:07.089 INFO  two\n']);
});

test('processLog: pretty on a terminal, JSON to anything else', () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = processLog('info', stream);
  log.logger.info({ path: '/x' }, 'hello');
  const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(parsed.msg, 'hello', 'a given stream (a pipe, a file) gets JSON');
  assert.equal(parsed.path, '/x');
});

test('processLog to stdout: readable lines when told stdout is a terminal, JSON when not', () => {
  const run = (tty: boolean) =>
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { processLog } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'src', 'ops', 'logging.ts'))});
         const log = processLog('info', undefined, { tty: ${tty} });
         log.logger.info({ method: 'GET', path: '/a', status: 200, ms: 2 }, 'request completed');
         log.flush();`,
      ],
      { encoding: 'utf8' },
    );
  assert.match(run(true), /^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/a 200 2 ms\n$/);
  assert.equal((JSON.parse(run(false)) as { path: string }).path, '/a');
});
