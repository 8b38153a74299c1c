// What the benchmark's load driver is made of: a small HTTP client with a cookie jar that sends each
// request to one of N instances (Host header unchanged, as behind a load balancer), latency records
// per step, closed- and open-loop load, and CPU/RSS of server processes read from /proc.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

export interface Response {
  status: number;
  location: string | null;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface StepSummary {
  n: number;
  p50_ms: number;
  p99_ms: number;
}

/** Latencies per step name, in milliseconds. */
export class Recorder {
  readonly steps = new Map<string, number[]>();
  record(step: string, ms: number): void {
    let list = this.steps.get(step);
    if (!list) this.steps.set(step, (list = []));
    list.push(ms);
  }
  summary(): Record<string, StepSummary> {
    const out: Record<string, StepSummary> = {};
    for (const [step, list] of this.steps) {
      const sorted = [...list].sort((a, b) => a - b);
      out[step] = { n: sorted.length, p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99) };
    }
    return out;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Steps answered by a stand-in (the DigiD IdP, the OIDC means supplier) are recorded under this prefix. */
export const STAND_IN_STEP = '(stand-in) ';

/**
 * The origin the servers call themselves (the issuer) and the ports that serve it; and the origins of
 * the stand-ins a person is sent to on the way (the DigiD IdP, the OIDC means supplier), each on its port.
 */
export class Upstreams {
  readonly origin: URL;
  readonly ports: number[];
  readonly standIns: Map<string, number>;
  constructor(origin: string, ports: number[], standIns: Record<string, number> = {}) {
    this.origin = new URL(origin);
    this.ports = ports;
    this.standIns = new Map(Object.entries(standIns).map(([o, port]) => [new URL(o).origin, port]));
  }
  pick(): number {
    return this.ports[Math.floor(Math.random() * this.ports.length)]!;
  }
}

/** One user agent: cookies by host and name (paths do not matter for these flows), manual redirects. */
export class Client {
  readonly #up: Upstreams;
  readonly #rec: Recorder | null;
  readonly #jars = new Map<string, Map<string, string>>();
  constructor(up: Upstreams, rec: Recorder | null) {
    this.#up = up;
    this.#rec = rec;
  }

  async send(
    step: string,
    method: string,
    url: string,
    o: { form?: Record<string, string>; headers?: Record<string, string>; accept?: string } = {},
  ): Promise<Response> {
    const target = new URL(url, this.#up.origin);
    const standIn = this.#up.standIns.get(target.origin);
    if (target.origin !== this.#up.origin.origin && standIn === undefined)
      throw new Error(`unexpected origin ${target.origin}`);
    let jar = this.#jars.get(target.host);
    if (!jar) this.#jars.set(target.host, (jar = new Map()));
    const headers: Record<string, string> = {
      host: target.host,
      accept: o.accept ?? 'text/html',
      ...o.headers,
    };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (o.form) {
      body = new URLSearchParams(o.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const t0 = performance.now();
    const res = await new Promise<Response>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port: standIn ?? this.#up.pick(),
          method,
          path: target.pathname + target.search,
          headers,
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () =>
            resolve({
              status: r.statusCode ?? 0,
              location: r.headers.location ? new URL(r.headers.location, target).href : null,
              headers: r.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          r.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${step}`)));
      req.on('error', reject);
      req.end(body);
    });
    this.#rec?.record(standIn === undefined ? step : STAND_IN_STEP + step, performance.now() - t0);
    for (const sc of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [pair, ...attrs] = sc.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired =
        value === '' ||
        attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }
}

export interface LoadResult {
  ok: number;
  failed: number;
  errors: string[];
  seconds: number;
  /** Latency of whole units (flows or requests), ms. */
  latencies: number[];
}

/** Thrown by a unit when there is no more work (the minted codes are spent): ends the loop. */
export class NoMoreWork extends Error {}

function recordFailure(result: LoadResult, err: unknown): void {
  result.failed++;
  if (result.errors.length < 5) result.errors.push(String((err as Error).message).slice(0, 300));
}

/** Closed loop: `concurrency` workers run `unit` back to back for `seconds`. */
export async function closedLoop(
  seconds: number,
  concurrency: number,
  unit: (n: number) => Promise<void>,
): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failed: 0, errors: [], seconds: 0, latencies: [] };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let n = 0;
  let stoppedAt: number | null = null;
  // The workers' first units start spread over half a second: started at once, 32 logins reach each
  // step together and queue there in lockstep, which a slow step (the DigiD back channel) times out on.
  const spread = Math.min(500, (seconds * 1000) / 4);
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * spread) / concurrency));
      while (performance.now() < deadline && stoppedAt === null) {
        const t0 = performance.now();
        try {
          await unit(n++);
          result.ok++;
          result.latencies.push(performance.now() - t0);
        } catch (err) {
          if (err instanceof NoMoreWork) stoppedAt ??= performance.now();
          else {
            recordFailure(result, err);
            // A failed unit is not retried at once: failing fast in a tight loop would add load to a
            // server that is failing because it is overloaded (a means marked down after a timeout).
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
      }
    }),
  );
  result.seconds = ((stoppedAt ?? performance.now()) - started) / 1000;
  return result;
}

/** Open loop: starts `rate` units per second for `seconds`, whatever the pace of the answers. */
export async function openLoop(
  seconds: number,
  rate: number,
  unit: (n: number) => Promise<void>,
  onTick?: () => void,
  maxInFlight = 512,
): Promise<LoadResult & { dropped: number }> {
  const result = {
    ok: 0,
    failed: 0,
    errors: [] as string[],
    seconds: 0,
    latencies: [] as number[],
    dropped: 0,
  };
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  let lastTick = started;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (n < due) {
      n++;
      if (inFlight.size >= maxInFlight) {
        result.dropped++;
        continue;
      }
      const t0 = performance.now();
      const p: Promise<void> = unit(n).then(
        () => {
          result.ok++;
          result.latencies.push(performance.now() - t0);
        },
        (err: unknown) => recordFailure(result, err),
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    if (onTick && performance.now() - lastTick >= 1000) {
      lastTick = performance.now();
      onTick();
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inFlight);
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14 and 15 of stat)
}

/** Resident set size now and at its peak (VmHWM), in MB. */
export function memory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
