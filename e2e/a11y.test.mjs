// Accessibility in real Chromium: axe-core finds no serious or critical
// violation on any main view, in both themes and both languages; every
// control is reachable by keyboard, with a visible focus ring.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { serveDist, launch, openApp, waitForVerdict } from './harness.mjs';

const AXE = readFileSync(resolve(import.meta.dirname, '../node_modules/axe-core/axe.min.js'), 'utf8');

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

/** Serious and critical axe violations on the page as it is now. */
async function audit(page) {
  // Evaluated through the DevTools protocol: the page's CSP (no inline
  // script) does not apply to it.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Opens each main view in turn and audits it; returns `view: violation` lines. */
async function auditViews(page, tabs) {
  const found = [];
  const check = async (view) => { for (const v of await audit(page)) found.push(`${view}: ${v}`); };
  await check('lessons');
  await page.locator('[data-lesson=idempotency]').click();
  await page.getByTestId('lesson-title').waitFor();
  await check('open lesson');
  await page.getByRole('tab', { name: tabs.log }).click();
  await page.getByTestId('log-row').first().waitFor();
  await check('event log');
  await page.getByTestId('log-row').nth(2).click();
  await page.getByTestId('message-card').waitFor();
  await check('message');
  await page.getByRole('tab', { name: tabs.charts }).click();
  await check('charts');
  // The sweep panel (its own module), with a small sweep's chart and table.
  await page.getByRole('tab', { name: tabs.sweep }).click();
  for (const [id, v] of Object.entries({ vary: 'producers[0].messages', from: '50', to: '100', steps: '2', seeds: '1', figures: 'never_applied' })) {
    await page.getByTestId(`sweep-${id}`).fill(v);
  }
  await page.getByTestId('sweep-run').click();
  await page.getByTestId('sweep-table').waitFor();
  await check('sweep');
  await page.getByRole('tab', { name: tabs.scenario }).click();
  await page.getByTestId('editor').waitFor();
  await check('editor');
  await page.getByRole('tab', { name: tabs.files }).click();
  await page.getByTestId('files').waitFor();
  // The saved scenarios (the module's), with one saved: its notice and list.
  await page.getByTestId('save-name').fill('a11y');
  await page.getByTestId('save').click();
  await page.getByTestId('saved').waitFor();
  await check('files');
  await page.getByRole('tab', { name: tabs.lessons }).click();
  await page.getByTestId('lesson-compare-0').click();
  await page.getByTestId('reveal-outcome').click();
  await page.locator('div[data-testid=compare] table').waitFor();
  await check('comparison');
  await page.getByTestId('help').click();
  await page.getByTestId('shortcuts').waitFor();
  await check('shortcuts');
  await page.keyboard.press('Escape');
  await page.getByTestId('share').click();
  await page.getByTestId('share-url').waitFor();
  await check('share');
  await page.keyboard.press('Escape');
  return found;
}

const TABS = {
  en: { log: 'Event log', charts: 'Charts', sweep: 'Sweep', scenario: 'Scenario', files: 'Files', lessons: 'Lessons' },
  zh: { log: '事件日志', charts: '图表', sweep: '扫描', scenario: '场景', files: '文件', lessons: '课时' },
};

for (const theme of ['light', 'dark']) {
  for (const lang of ['en', 'zh']) {
    test(`no serious or critical axe violation: ${theme} theme, ${lang}`, async () => {
      const { page, problems } = await openApp(chrome.browser, server.url, { locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
      await waitForVerdict(page);
      if (theme === 'dark') await page.getByTestId('theme').click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
      const found = await auditViews(page, TABS[lang]);
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
    });
  }
}

test('every control is reachable by keyboard, with a visible focus ring', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  const reached = new Set();
  let ringless = [];
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        id: el.dataset.testid || el.dataset.lesson || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 20),
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      };
    });
    if (!f) continue;
    reached.add(f.id);
    if (!f.ring) ringless.push(f.id);
  }
  for (const want of ['preset', 'play', 'step', 'restart', 'speed', 'seed', 'timeline', 'theme', 'lang', 'idempotency']) {
    assert.ok(reached.has(want), `${want} is reachable by Tab (reached: ${[...reached].join(', ')})`);
  }
  assert.deepEqual(ringless, [], 'every focused control shows its focus ring');
  // The canvas has a text alternative that follows the run.
  const label = await page.getByTestId('topology').getAttribute('aria-label');
  assert.match(label, /messages on links/);
  assert.deepEqual(problems, []);
});

test('a switch that brings more fields keeps the keyboard focus where it was', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const path = 'consumers[0].idempotency.enabled';
  const box = page.locator(`[data-path="${path}"]`);
  await box.focus();
  await page.keyboard.press('Space');
  // The store's capacity and lifetime appear below it; the switch keeps the focus.
  await page.locator('[data-path="consumers[0].idempotency.capacity"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.path), path);
  await page.keyboard.press('Space');
  await page.locator('[data-path="consumers[0].idempotency.capacity"]').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.dataset.path), path);
  assert.equal(await box.isChecked(), false);
  assert.deepEqual(problems, []);
});

test('no serious or critical axe violation on a message graph: per-group table, exchange, bindings, publish and outages in the editor', async () => {
  for (const theme of ['light', 'dark']) {
    const { page, problems } = await openApp(chrome.browser, server.url);
    if (theme === 'dark') {
      await page.getByTestId('theme').click();
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    }
    await page.getByTestId('preset').selectOption('fan-out');
    await waitForVerdict(page);
    await page.locator('[data-testid=groups]').waitFor();
    const found = (await audit(page)).map((v) => `outcome: ${v}`);
    await page.getByRole('tab', { name: 'Scenario' }).click();
    await page.locator('#edit-exchange-0').waitFor();
    // A downstream publish shows its send settings; an outage row its fields.
    await page.locator('[data-path="consumers[0].publish.to"]').selectOption('email-queue');
    await page.locator('[data-path="consumers[0].publish.send.mode"]').waitFor();
    await page.locator('#edit-outages button.small').click();
    await page.locator('[data-path="crashes[0].every_ms"]').waitFor();
    found.push(...(await audit(page)).map((v) => `editor: ${v}`));
    // Every new control is reachable by keyboard.
    const binding = page.locator('[data-path="exchanges[0].bindings[0].queue"]');
    await binding.focus();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), 'exchanges[0].bindings[0].queue');
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.activeElement !== document.body), 'Tab moves on from a binding');
    assert.deepEqual(found, [], `${theme}: ${found.join('\n')}`);
    assert.deepEqual(problems, []);
    await page.context().close();
  }
});

test('no serious or critical axe violation on a log: the topic and log settings in the editor, by keyboard, bad values named', async () => {
  for (const theme of ['light', 'dark']) {
    const { page, problems } = await openApp(chrome.browser, server.url);
    if (theme === 'dark') {
      await page.getByTestId('theme').click();
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    }
    await page.getByTestId('preset').selectOption('log-commit-policy');
    await waitForVerdict(page);
    await page.getByRole('tab', { name: 'Scenario' }).click();
    await page.locator('#edit-topic-0').waitFor();
    await page.locator('[data-path="consumers[0].log.commit"]').waitFor();
    const found = (await audit(page)).map((v) => `editor: ${v}`);
    // By keyboard: the partition count, then a group's commit policy.
    const partitions = page.locator('[data-path="topics[0].partitions"]');
    await partitions.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('6');
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.activeElement !== document.body), 'Tab moves on from the partitions');
    await waitForVerdict(page);
    assert.equal(await partitions.inputValue(), '6');
    // The worst values: each named at its field, what was typed kept, nothing else touched.
    for (const [bad, why] of [['0', /between 1 and 1000/], ['-5', /.+/], ['1000000', /between 1 and 1000/], ['1e9', /whole number/], ['NaN', /.+/], ['', /.+/]]) {
      await partitions.fill(bad);
      await partitions.press('Tab');
      const error = page.locator('[data-error-for="topics[0].partitions"]');
      await error.waitFor();
      assert.match(await error.textContent(), why, `partitions = ${JSON.stringify(bad)}`);
      assert.equal(await partitions.inputValue(), bad);
    }
    await partitions.fill('3');
    await partitions.press('Tab');
    await page.locator('[data-error-for="topics[0].partitions"]').waitFor({ state: 'detached' });
    found.push(...(await audit(page)).map((v) => `editor after errors: ${v}`));
    // The partitions view: a tab like the others, its canvas named by what it shows.
    await page.getByRole('tab', { name: 'Partitions' }).click();
    await page.getByTestId('partitions').waitFor();
    assert.match(await page.getByTestId('partitions').getAttribute('aria-label'), /^events: 3 × \d+ · billing lag \d+$/);
    found.push(...(await audit(page)).map((v) => `partitions: ${v}`));
    assert.deepEqual(found, [], `${theme}: ${found.join('\n')}`);
    assert.deepEqual(problems, []);
    await page.context().close();
  }
});

test('no serious or critical axe violation on the services\' state tab, in both themes', async () => {
  for (const theme of ['light', 'dark']) {
    const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=dual-write&seed=1' });
    if (theme === 'dark') {
      await page.getByTestId('theme').click();
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    }
    await waitForVerdict(page);
    await page.getByRole('tab', { name: 'State' }).click();
    await page.getByTestId('state').waitFor();
    await page.getByTestId('timeline').evaluate((el) => {
      el.value = el.max;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.locator('.state td.differs').first().waitFor();
    const found = (await audit(page)).map((v) => `state: ${v}`);
    assert.deepEqual(found, [], `${theme}: ${found.join('\n')}`);
    assert.deepEqual(problems, []);
    // The saga timeline, at a moment with open, completed and compensated sagas.
    await page.getByTestId('preset').selectOption('saga');
    await waitForVerdict(page);
    await page.getByRole('tab', { name: 'State' }).click();
    await page.getByTestId('timeline').evaluate((el) => {
      el.value = String(el.max / 2);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.locator('.sagas td.undone').first().waitFor();
    const sagas = (await audit(page)).map((v) => `saga timeline: ${v}`);
    assert.deepEqual(sagas, [], `${theme}: ${sagas.join('\n')}`);
    // Two-phase commit's, while a coordinator is down: prepared and locked cells.
    await page.getByTestId('preset').selectOption('two-phase-commit');
    await waitForVerdict(page);
    await page.getByRole('tab', { name: 'State' }).click();
    await page.getByTestId('timeline').evaluate((el) => {
      el.value = '2500';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.locator('.sagas td.prepared').first().waitFor();
    const locks = (await audit(page)).map((v) => `two-phase timeline: ${v}`);
    assert.deepEqual(locks, [], `${theme}: ${locks.join('\n')}`);
    assert.deepEqual(problems, []);
    await page.context().close();
  }
});
