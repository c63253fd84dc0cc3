// An event store in the page: lesson 29's two runs show the lost updates
// and the conflicts the command line reports, the jump buttons find them,
// the page traces the run as `msgsim run --trace` does, and the editor
// switches the appends (and refuses an event store where none can be).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveDist, launch, openApp, waitForVerdict, screenshot, openLesson, revealVerdict, nativeReport,
  checkTracesAsCli, seek, counter,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

test('the lesson: blind appends lose updates the verdict cannot see; expected versions retry them', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'event-store');
  assert.match(await page.getByTestId('lesson-title').textContent(), /Expected versions stop lost updates/);
  const blind = nativeReport('event-store');
  assert.equal(blind.lost_updates, 141);
  assert.equal(await revealVerdict(page), 'correct', 'every command took effect once');
  assert.equal(await counter(page, 'c-lost-updates'), String(blind.lost_updates));
  assert.equal(await counter(page, 'c-version-conflicts'), '0');
  // Under the verdict (which is about messages): what it cannot see.
  assert.equal(await page.getByTestId('event-store').textContent(),
    'Event store: 141 updates lost (appended on an old version) · 0 version conflicts, handled again');
  // The key moment: a lost update, which the jump buttons find.
  assert.equal(await page.getByTestId('jump-kind').inputValue(), 'conflict');
  await seek(page, 0);
  await page.getByTestId('jump-next').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 0);
  await screenshot(page, 'event-store-lost-update');

  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'correct');
  assert.equal(await counter(page, 'c-lost-updates'), '0');
  assert.equal(await counter(page, 'c-version-conflicts'), '130');
  assert.match(await page.getByTestId('event-store').textContent(), /^Event store: 0 updates lost .* 130 version conflicts/);
  // Side by side: the comparison lists both figures (only runs with an event store have them).
  await page.getByTestId('lesson-compare-0').click();
  await page.getByTestId('compare-hidden').waitFor();
  await page.getByTestId('reveal-outcome').click();
  const row = page.locator('[data-testid=compare] tr[data-row=lost_updates]');
  await row.waitFor();
  assert.equal(await row.getAttribute('class'), 'better');
  assert.deepEqual(await row.locator('td').allTextContents(), ['141', '→', '0']);
  const conflicts = page.locator('[data-testid=compare] tr[data-row=version_conflicts]');
  assert.deepEqual(await conflicts.locator('td').allTextContents(), ['0', '→', '130']);
  assert.equal(await conflicts.getAttribute('class'), 'worse', 'each conflict is work done again');
  assert.deepEqual(problems, []);

  const zh = await openApp(chrome.browser, server.url, { path: '#v=1&p=event-store&seed=1', locale: 'zh-CN' });
  await waitForVerdict(zh.page);
  await seek(zh.page, 1e9);
  assert.match(await zh.page.getByTestId('counters').textContent(), /丢失的更新141/);
  assert.match(await zh.page.getByTestId('event-store').textContent(), /^事件存储：141 次更新丢失/);
  assert.deepEqual(zh.problems, []);
});

test('the page traces an event store as the command line does', async () => {
  await checkTracesAsCli(chrome.browser, server.url, 'event-store', 2);
});

test('the editor switches blind appends to expected versions, and names the field where an event store cannot be', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=event-store&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const store = page.locator('[data-path="consumers[0].event_store"]');
  await store.waitFor();
  assert.equal(await store.inputValue(), 'blind');
  await store.selectOption('expected_version');
  await page.waitForFunction(() => document.querySelector('[data-testid=c-lost-updates]')?.textContent === '0');
  await waitForVerdict(page);
  assert.notEqual(await counter(page, 'c-version-conflicts'), '0');
  // The projection group reads a queue without a saga: an event store may be
  // set there too; the saga preset's orchestrator offers none.
  const saga = await openApp(chrome.browser, server.url, { path: '#v=1&p=saga&seed=1' });
  await waitForVerdict(saga.page);
  await saga.page.getByRole('tab', { name: 'Scenario' }).click();
  await saga.page.locator('[data-path="consumers[0].saga.protocol"]').waitFor();
  assert.equal(await saga.page.locator('[data-path="consumers[0].event_store"]').count(), 0);
  await screenshot(page, 'event-store-editor');
  assert.deepEqual([...problems, ...saga.problems], []);
});
