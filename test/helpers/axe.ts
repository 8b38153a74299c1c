// axe's WCAG 2.1 AA checks on the page a real browser shows.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(summary, [], `${what} has WCAG 2.1 AA violations`);
  assert.ok(result.passes.length > 0, `axe checked ${what}`);
}

/**
 * No sideways scrolling (WCAG 1.4.10, reflow): the page is no wider than the screen the context was
 * made with. Compared with the configured viewport, not window.innerWidth: on a phone (isMobile) the
 * browser widens the layout viewport to fit content that is too wide and zooms out, so innerWidth
 * grows with the very overflow this looks for.
 */
export async function fitsTheScreen(page: Page, what: string): Promise<void> {
  const screen = page.viewportSize();
  assert.ok(screen, `${what}: the context has a fixed viewport`);
  const wide = await page.evaluate<number>('document.documentElement.scrollWidth');
  if (wide <= screen.width) return;
  // Name the innermost elements that stick out, so the failure says what to fix.
  const culprits = await page.evaluate<string[]>(`(() => {
    const out = [...document.body.querySelectorAll('*')].filter(
      (e) => e.getBoundingClientRect().right > ${screen.width} + 1,
    );
    return out
      .filter((e) => !out.some((o) => o !== e && e.contains(o)))
      .slice(0, 3)
      .map((e) => '<' + e.tagName.toLowerCase() + ' class="' + e.className + '">' + (e.textContent ?? '').slice(0, 40));
  })()`);
  assert.fail(`${what} is ${wide}px wide on a ${screen.width}px screen: ${culprits.join('; ')}`);
}
