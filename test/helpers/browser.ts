// A small scripted browser: a cookie jar with path matching, manual redirects, and a record of every
// URL, header and body it saw (so that tests can prove what never appears in them).
export interface Exchange {
  method: string;
  url: string;
  status: number;
  location: string | null;
  headers: Record<string, string>;
  body: string;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export class Browser {
  readonly history: Exchange[] = [];
  #jar: Cookie[] = [];
  readonly #fetch: typeof fetch;

  /** `fetch` replaces the transport, e.g. one that presents a TLS client certificate (helpers/tls-fetch.ts). */
  constructor(o: { fetch?: typeof fetch } = {}) {
    this.#fetch = o.fetch ?? fetch;
  }

  #cookieHeader(url: URL): string {
    return this.#jar
      .filter(
        (c) =>
          url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  #store(url: URL, setCookies: string[]): void {
    for (const sc of setCookies) {
      const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = value === '';
      for (const a of attrs) {
        const [k, v] = a.split('=');
        if (k!.toLowerCase() === 'path' && v) path = v;
        if (k!.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
        if (k!.toLowerCase() === 'expires' && v && new Date(v).getTime() < Date.now()) expired = true;
      }
      this.#jar = this.#jar.filter((c) => !(c.name === name && c.path === path));
      if (!expired) this.#jar.push({ name, value, path });
    }
  }

  cookies(): Cookie[] {
    return [...this.#jar];
  }

  clearCookies(): void {
    this.#jar = [];
  }

  async request(
    url: string,
    o: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Exchange> {
    const target = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html', ...o.headers };
    const cookie = this.#cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (o.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(o.form).toString();
    }
    const res = await this.#fetch(target, {
      method: o.method ?? (o.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    this.#store(target, res.headers.getSetCookie());
    const exchange: Exchange = {
      method: o.method ?? (o.form ? 'POST' : 'GET'),
      url: target.href,
      status: res.status,
      location: res.headers.get('location') ? new URL(res.headers.get('location')!, target).href : null,
      headers: Object.fromEntries(res.headers.entries()),
      body: await res.text(),
    };
    this.history.push(exchange);
    return exchange;
  }

  /** Follows redirects until a page is shown, or until the browser is sent to a URL starting with stopAt. */
  async follow(start: Exchange, stopAt?: string): Promise<Exchange> {
    let current = start;
    for (let hops = 0; hops < 20; hops++) {
      if (current.status < 300 || current.status >= 400 || !current.location) return current;
      if (stopAt && current.location.startsWith(stopAt)) return current;
      current = await this.request(current.location);
    }
    throw new Error('too many redirects');
  }

  async goto(url: string, stopAt?: string): Promise<Exchange> {
    return this.follow(await this.request(url), stopAt);
  }

  async submit(
    page: Exchange,
    actionIncludes: string,
    fields: Record<string, string> = {},
    stopAt?: string,
  ): Promise<Exchange> {
    const form = findForm(page.body, actionIncludes);
    const action = new URL(form.action, page.url).href;
    return this.follow(await this.request(action, { form: { ...form.fields, ...fields } }), stopAt);
  }
}

/** An attribute's or a text's value with the escapes html`` writes undone. */
export function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A page's text as a person reads it: tags gone, escapes undone, whitespace collapsed. */
export function pageText(body: string): string {
  return decodeEntities(body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/** The first form whose action contains the string, with its hidden fields. */
export function findForm(
  body: string,
  actionIncludes: string,
): { action: string; fields: Record<string, string> } {
  const forms = [...body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  for (const [, attrs, inner] of forms) {
    const action = decodeEntities(/action="([^"]*)"/.exec(attrs!)?.[1] ?? '');
    if (!action.includes(actionIncludes)) continue;
    const fields: Record<string, string> = {};
    for (const [input] of inner!.matchAll(/<input\b[^>]*>/g)) {
      if (!/type="hidden"/.test(input)) continue;
      const name = /name="([^"]*)"/.exec(input)?.[1];
      const value = /value="([^"]*)"/.exec(input)?.[1] ?? '';
      if (name) fields[name] = decodeEntities(value);
    }
    return { action, fields };
  }
  throw new Error(`no form with action containing "${actionIncludes}" in page:\n${body.slice(0, 2000)}`);
}

/** Values of the radio buttons with this name. */
export function radioValues(body: string, name: string): string[] {
  return [...body.matchAll(/<input\b[^>]*type="radio"[^>]*>/g)]
    .map(([input]) => input)
    .filter((input) => input.includes(`name="${name}"`))
    .map((input) => /value="([^"]*)"/.exec(input)![1]!);
}
