// The layout the code keeps (docs: README "What is here", architecture "Layout"): nothing outside
// src/proeftuin imports it but the one line of the composition root that loads it in proeftuin mode,
// no two folders of src/ import each other, and what is defined once (oidc-provider's paths, the
// security headers) is used as one. Imports are read with TypeScript's own pre-processor:
// static imports, re-exports, type-only imports and dynamic import() alike.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import Fastify from 'fastify';
import ts from 'typescript';
import { PROVIDER_PATHS, ROUTES } from '../src/oidc/paths.ts';
import { securityHeaders, setSecurityHeaders } from '../src/web/security-headers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

interface Import {
  /** The importing file, relative to the repository (src/…). */
  from: string;
  /** The imported file, relative to the repository. */
  to: string;
  line: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative imports of one file (packages are not part of the layout). */
function importsOf(file: string, text: string): Import[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .filter((i) => i.fileName.startsWith('.'))
    .map((i) => ({
      from: file,
      to: relative(ROOT, resolve(ROOT, dirname(file), i.fileName)),
      line: text.slice(0, i.pos).split('\n').length,
    }));
}

/** A file's folder: its first directory under src/, or for a file directly in src/, the file itself. */
function folderOf(file: string): string {
  const parts = relative('src', file).split('/');
  return parts.length === 1 ? file : `src/${parts[0]}`;
}

/** Pairs of folders that import each other, each with one import either way as evidence. */
function folderCycles(imports: Import[]): { pair: [string, string]; evidence: [Import, Import] }[] {
  const edges = new Map<string, Import>();
  for (const i of imports) {
    const a = folderOf(i.from);
    const b = folderOf(i.to);
    if (a !== b && !edges.has(`${a} ${b}`)) edges.set(`${a} ${b}`, i);
  }
  const cycles: { pair: [string, string]; evidence: [Import, Import] }[] = [];
  for (const [key, there] of edges) {
    const [a, b] = key.split(' ') as [string, string];
    const back = edges.get(`${b} ${a}`);
    if (back && a < b) cycles.push({ pair: [a, b], evidence: [there, back] });
  }
  return cycles;
}

/** Imports of src/proeftuin from outside it. */
function proeftuinImports(imports: Import[]): Import[] {
  const inside = (f: string) => f.startsWith('src/proeftuin/');
  return imports.filter((i) => inside(i.to) && !inside(i.from));
}

/** Folder pairs allowed to import each other: none (the register reports invalidations by callback). */
const ALLOWED_CYCLES = new Set<string>();

const show = (i: Import) => `${i.from}:${i.line} -> ${i.to}`;

describe('layout', () => {
  const imports = sourceFiles(SRC).flatMap((path) => {
    const file = relative(ROOT, path);
    return importsOf(file, readFileSync(path, 'utf8'));
  });

  test('the imports are read: static, type-only, re-exports and dynamic import()', () => {
    const found = importsOf(
      'src/x/a.ts',
      [
        "import { a } from '../y/a.ts';",
        "import type { B } from './b.ts';",
        "export { c } from '../z/c.ts';",
        "const load = () => import('../proeftuin/module.ts');",
        "import pg from 'pg';",
      ].join('\n'),
    );
    assert.deepEqual(
      found.map((i) => [i.to, i.line]),
      [
        ['src/y/a.ts', 1],
        ['src/x/b.ts', 2],
        ['src/z/c.ts', 3],
        ['src/proeftuin/module.ts', 4],
      ],
    );
    assert.ok(imports.length > 300, `only ${imports.length} imports read from src/`);
  });

  test('the checks find what they look for (a planted cycle, a planted proeftuin import)', () => {
    const planted = [
      ...importsOf('src/means/a.ts', "import '../web/b.ts';\nimport '../proeftuin/seed.ts';"),
      ...importsOf('src/web/b.ts', "import '../means/c.ts';"),
      ...importsOf('src/config.ts', "import './means/c.ts';"),
    ];
    assert.deepEqual(
      folderCycles(planted).map((c) => c.pair),
      [['src/means', 'src/web']],
    );
    assert.deepEqual(proeftuinImports(planted).map(show), ['src/means/a.ts:2 -> src/proeftuin/seed.ts']);
  });

  test('nothing outside src/proeftuin imports it but the composition root, once', () => {
    const outside = proeftuinImports(imports);
    assert.deepEqual(
      outside.map((i) => `${i.from} -> ${i.to}`),
      ['src/server.ts -> src/proeftuin/module.ts'],
      `imports of the proeftuin:\n${outside.map(show).join('\n')}`,
    );
  });

  test('no two folders of src/ import each other', () => {
    const cycles = folderCycles(imports).filter((c) => !ALLOWED_CYCLES.has(c.pair.join(' ')));
    assert.deepEqual(
      cycles.map((c) => c.pair.join(' <-> ')),
      [],
      cycles.map((c) => `${c.pair.join(' <-> ')}:\n  ${c.evidence.map(show).join('\n  ')}`).join('\n'),
    );
  });
});

describe('one definition each', () => {
  test("oidc-provider's paths: every route it is configured with is mounted", () => {
    for (const path of Object.values(ROUTES)) assert.ok(PROVIDER_PATHS.includes(path), path);
    assert.equal(new Set(PROVIDER_PATHS).size, PROVIDER_PATHS.length);
  });

  test("security headers: oidc-provider's responses get the CSP Fastify's pages get, HSTS only on https", async () => {
    const headersOf = async (https: boolean) => {
      const app = Fastify();
      await securityHeaders(app, { https });
      app.get('/', async () => 'page');
      const page = await app.inject('/');
      await app.close();
      const raw = new ServerResponse(new IncomingMessage(new Socket()));
      setSecurityHeaders(raw, https);
      return { page: page.headers, raw: raw.getHeaders() };
    };
    const directives = (csp: unknown) =>
      String(csp)
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean)
        .sort();
    for (const https of [false, true]) {
      const { page, raw } = await headersOf(https);
      assert.deepEqual(
        directives(raw['content-security-policy']),
        directives(page['content-security-policy']),
      );
      assert.ok(directives(page['content-security-policy']).includes("frame-ancestors 'none'"));
      assert.equal(raw['x-content-type-options'], 'nosniff');
      assert.equal(page['x-content-type-options'], 'nosniff');
      assert.equal('strict-transport-security' in raw, https);
      assert.equal('strict-transport-security' in page, https);
    }
  });
});
