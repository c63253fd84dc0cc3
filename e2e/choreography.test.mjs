// Choreographed sagas in the page: the lesson's two runs show what the
// command line reports, the page traces a choreography as `msgsim run
// --trace` does, the State tab shows sagas waiting while the inventory is
// down, and the editor switches a saga to a choreography.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveDist, launch, openApp, waitForVerdict, screenshot, openLesson, revealVerdict, nativeReport,
  checkTracesAsCli, seek, counter,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

test('the lesson: an orchestrator compensates sagas it gave up on; a choreography waits out the outage', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'choreography');
  assert.match(await page.getByTestId('lesson-title').textContent(), /Orchestration or choreography/);
  assert.equal(await revealVerdict(page), 'correct');
  // The orchestrator: more sagas compensated than steps failed.
  assert.equal(await counter(page, 'c-sagas-compensated'), '59');
  assert.equal(await counter(page, 'c-step-failures'), '44');
  assert.match(await page.getByTestId('sagas').textContent(), /0 half done · .* · 1834 packets to coordinate them$/);

  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'correct');
  const native = nativeReport('choreography');
  assert.equal(native.sagas_compensated, native.step_failures, 'nothing given up on');
  assert.equal(await counter(page, 'c-sagas-completed'), String(native.sagas_completed));
  assert.equal(await counter(page, 'c-sagas-compensated'), String(native.sagas_compensated));
  assert.equal(await counter(page, 'c-step-failures'), String(native.step_failures));
  const w = native.sagas.inconsistency_window;
  assert.equal(
    await page.getByTestId('sagas').textContent(),
    `Sagas: ${native.sagas.completed} completed · ${native.sagas.compensated} compensated · 0 open · 0 half done · `
      + `services disagree p50 ${w.p50} ms · p99 ${w.p99} ms · ${native.sagas.messages} packets to coordinate them`,
  );
  // The key moment is the inventory's crash.
  assert.equal(await page.getByTestId('jump-kind').inputValue(), 'crash');
  // Side by side: the packets and the longest disagreement, both higher.
  await page.getByTestId('lesson-compare-0').click();
  await page.getByTestId('compare-hidden').waitFor();
  await page.getByTestId('reveal-outcome').click();
  const packets = page.locator('[data-testid=compare] tr[data-row="sagas.messages"]');
  await packets.waitFor();
  assert.deepEqual(await packets.locator('td').allTextContents(), ['1834', '→', String(native.sagas.messages)]);
  assert.equal(await packets.getAttribute('class'), 'worse');
  const completed = page.locator('[data-testid=compare] tr[data-row=sagas_completed]');
  assert.deepEqual(await completed.locator('td').allTextContents(), ['241', '→', '253']);
  assert.deepEqual(problems, []);

  const zh = await openApp(chrome.browser, server.url, { path: '#v=1&p=choreography&seed=1', locale: 'zh-CN' });
  await waitForVerdict(zh.page);
  assert.match(await zh.page.getByTestId('sagas').textContent(), new RegExp(`^Saga：${native.sagas.completed} 个完成`));
  assert.deepEqual(zh.problems, []);
});

test('the page traces a choreography as the command line does', async () => {
  await checkTracesAsCli(chrome.browser, server.url, 'choreography', 2);
});

test('the State tab shows sagas waiting at the inventory while it is down, then completing', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=choreography&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'State' }).click();
  // The inventory is down from 2,000 ms to 3,500 ms: by 3,000 ms sagas
  // stand with the payment done and the inventory asked, none compensated
  // for it.
  await seek(page, 3000);
  await page.waitForFunction(() => document.querySelector('.sagas tbody tr.open') !== null);
  const waiting = await page.locator('.sagas tbody tr.open').evaluateAll((trs) => trs.map(
    (tr) => [...tr.querySelectorAll('td[data-mark]')].map((td) => td.dataset.mark).join(','),
  ));
  assert.ok(waiting.filter((m) => m === 'done,asked,none').length >= 5, JSON.stringify(waiting));
  await screenshot(page, 'choreography-waiting');
  await seek(page, 1e9);
  await page.waitForFunction(() => /0 open/.test(document.querySelector('[data-testid=saga-summary]')?.textContent ?? ''));
  assert.deepEqual(problems, []);
});

test('the editor switches a saga to a choreography: no tries to count, the wait is for an acknowledgement', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=saga&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const protocol = page.locator('[data-path="consumers[0].saga.protocol"]');
  await protocol.waitFor();
  const attempts = page.locator('[data-path="consumers[0].saga.max_attempts"]');
  assert.equal(await attempts.count(), 1);
  await protocol.selectOption('choreography');
  await attempts.waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-path="consumers[0].saga.steps[0].compensation"]').count(), 1);
  const wait = page.locator('label', { has: page.locator('[data-path="consumers[0].saga.timeout_ms"]') });
  assert.match(await wait.locator('.label').textContent(), /^Wait for the next service to acknowledge/);
  await waitForVerdict(page);
  assert.match(await page.getByTestId('sagas').textContent(), /0 open · 0 half done/);
  await screenshot(page, 'choreography-editor');
  assert.deepEqual(problems, []);
});
