// Sagas in the page: the lesson's two runs show what the command line
// reports, the topology draws each step's service, the page traces a saga
// as `msgsim run --trace` does, and the editor switches a saga on, adds a
// step and names a step that needs a compensation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveDist, launch, openApp, waitForVerdict, screenshot, openLesson, revealVerdict, nativeReport,
  checkTracesAsCli, seek, counter,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

test('the saga lesson: an impatient orchestrator cancels orders, a patient one compensates only failures, none half done', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'saga');
  assert.match(await page.getByTestId('lesson-title').textContent(), /saga compensates a failed payment/);
  assert.equal(await revealVerdict(page), 'correct');
  assert.equal(await counter(page, 'c-sagas-completed'), '127');
  assert.equal(await counter(page, 'c-sagas-compensated'), '173');
  assert.equal(await counter(page, 'c-compensations'), '176');
  assert.match(await page.getByTestId('sagas').textContent(), /127 completed · 173 compensated · 0 open · 0 half done/);
  // The jump menu finds the compensations.
  await seek(page, 0);
  await page.getByTestId('jump-kind').selectOption('compensation');
  await page.getByTestId('jump-next').click();
  await screenshot(page, 'saga-compensation');

  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'correct');
  const native = nativeReport('saga');
  assert.equal(native.sagas.completed, 263);
  assert.equal(await counter(page, 'c-sagas-completed'), String(native.sagas_completed));
  assert.equal(await counter(page, 'c-sagas-compensated'), String(native.sagas_compensated));
  assert.equal(await counter(page, 'c-step-failures'), String(native.step_failures));
  assert.equal(await counter(page, 'c-compensations'), String(native.compensations));
  assert.match(await page.getByTestId('sagas').textContent(), /0 half done · services disagree p50 15\.304 ms/);
  assert.deepEqual(problems, []);

  const zh = await openApp(chrome.browser, server.url, { path: '#v=1&p=saga&seed=1', locale: 'zh-CN' });
  await waitForVerdict(zh.page);
  assert.match(await zh.page.getByTestId('sagas').textContent(), /263 个完成 · 37 个已补偿/);
  assert.deepEqual(zh.problems, []);
});

test('the page traces a saga as the command line does', async () => {
  await checkTracesAsCli(chrome.browser, server.url, 'saga', 3);
});

test('the editor switches a saga on, adds a step, and names a step that needs a compensation', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=reliable-queue&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const toggle = page.locator('[data-path="consumers[0].saga"]');
  await toggle.waitFor();
  assert.equal(await toggle.isChecked(), false);
  await toggle.check();
  const first = page.locator('[data-path="consumers[0].saga.steps[0].service"]');
  await first.waitFor();
  assert.equal(await first.inputValue(), 'payment-service');
  await waitForVerdict(page);
  assert.match(await page.getByTestId('sagas').textContent(), /0 half done/);
  // The first step cannot be undone, but the second can fail: named inline.
  await page.locator('[data-path="consumers[0].saga.steps[0].compensation"]').uncheck();
  await page.locator('[data-error-for="consumers[0].saga.steps[0].compensation"]').waitFor();
  assert.ok(await page.getByTestId('editor-blocked').isVisible());
  await page.locator('[data-path="consumers[0].saga.steps[0].compensation"]').check();
  await page.locator('[data-error-for="consumers[0].saga.steps[0].compensation"]').waitFor({ state: 'detached' });
  await screenshot(page, 'saga-editor');
  await toggle.uncheck();
  await first.waitFor({ state: 'detached' });
  assert.deepEqual(problems, []);
});

test('the State tab draws the saga timeline: each order a row, each step what its service did, rebuilt when seeking', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=saga&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const summary = () => page.getByTestId('saga-summary').textContent();
  await seek(page, 1e9);
  await page.waitForFunction(() => document.querySelector('[data-testid=saga-summary]')?.textContent.startsWith('300 sagas begun'));
  assert.match(await summary(), /^300 sagas begun: 263 completed, 37 compensated, 0 open \(0 with services that disagree now\)/);
  assert.equal(await page.locator('.sagas tbody tr').count(), 40, 'the newest 40');
  // A completed saga is done everywhere; a compensated one has nothing in force.
  for (const row of await page.locator('.sagas tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    outcome: tr.className, marks: [...tr.querySelectorAll('td[data-mark]')].map((td) => td.dataset.mark),
  })))) {
    if (row.outcome === 'completed') assert.deepEqual(row.marks, ['done', 'done', 'done']);
    else assert.ok(!row.marks.includes('done'), JSON.stringify(row));
  }
  await seek(page, 0);
  await page.waitForFunction(() => document.querySelector('[data-testid=saga-summary]')?.textContent.startsWith('0 sagas begun'));
  await seek(page, 2000);
  await page.waitForFunction(() => !document.querySelector('[data-testid=saga-summary]')?.textContent.startsWith('0 sagas'));
  await screenshot(page, 'saga-timeline');
  assert.deepEqual(problems, []);
});
