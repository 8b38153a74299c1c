// The log as a person at a terminal reads it: one short line per entry instead of pino's JSON, e.g.
//   14:03:22.123 INFO  GET /interaction/abc 200 12.3 ms
//   14:03:25.004 WARN  database unavailable  path=/token
// Only when stdout is a terminal (a developer running `npm start`); a file, a pipe or a log collector
// gets the JSON lines unchanged. The same fields as the JSON line, nothing added: the BSN and query
// strings are kept out of the log before it is written, not here.
const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

const COLOURS: Record<string, string> = {
  TRACE: '\u001b[90m',
  DEBUG: '\u001b[90m',
  INFO: '\u001b[32m',
  WARN: '\u001b[33m',
  ERROR: '\u001b[31m',
  FATAL: '\u001b[41m',
};
const RESET = '\u001b[0m';

/** pino's own fields, shown in their own place or not at all (the same on every line). */
const PINO = ['level', 'time', 'pid', 'hostname', 'msg', 'v'];
/** What a request line shows in its own place. */
const REQUEST = ['method', 'path', 'status', 'ms'];

function clock(time: unknown): string {
  const d = typeof time === 'number' ? new Date(time) : new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function value(key: string, v: unknown): string {
  // An error as "type: message" (pino's serializer adds an empty stack and a type of its own).
  if (key === 'err' && v && typeof v === 'object' && 'message' in v) {
    const e = v as { type?: unknown; message?: unknown };
    return JSON.stringify(
      typeof e.type === 'string' && e.type !== 'Object'
        ? `${e.type}: ${String(e.message)}`
        : String(e.message),
    );
  }
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One pino JSON line as one readable line (with a newline); a line that is not JSON is passed on as it is. */
export function prettyLine(line: string, o: { colour?: boolean } = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  if (entry === null || typeof entry !== 'object') return line.endsWith('\n') ? line : `${line}\n`;
  const level = LEVELS[entry.level as number] ?? String(entry.level ?? '');
  const label = o.colour ? `${COLOURS[level] ?? ''}${level.padEnd(5)}${RESET}` : level.padEnd(5);
  const parts = [clock(entry.time), label];
  const isRequest = typeof entry.method === 'string' && typeof entry.path === 'string';
  const shown = new Set(isRequest ? [...PINO, ...REQUEST] : PINO);
  if (isRequest) {
    // A request line: what, where, how it ended, how long it took.
    parts.push(String(entry.method), String(entry.path));
    if (entry.status !== undefined) parts.push(String(entry.status));
    if (typeof entry.ms === 'number') parts.push(`${entry.ms} ms`);
    if (entry.msg && entry.msg !== 'request completed') parts.push(`(${String(entry.msg)})`);
  } else if (entry.msg !== undefined) {
    parts.push(String(entry.msg));
  }
  const rest = Object.entries(entry)
    .filter(([k]) => !shown.has(k))
    .map(([k, v]) => `${k}=${value(k, v)}`);
  return `${parts.join(' ')}${rest.length ? `  ${rest.join(' ')}` : ''}\n`;
}

/** A destination for pino that writes each line made readable to `out` (pino writes whole lines). */
export function prettyDestination(
  out: { write(chunk: string): unknown },
  o: { colour?: boolean } = {},
): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') out.write(prettyLine(line, o));
    },
  };
}
