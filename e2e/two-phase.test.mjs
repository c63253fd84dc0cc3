// Two-phase commit beside the saga in the page: the lesson's runs show what
// the command line reports, the page traces a two-phase commit as
// `msgsim run --trace` does, the editor switches the protocol, and the
// State tab shows participants holding their locks while a coordinator is
// down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveDist, launch, openApp, waitForVerdict, screenshot, openLesson, revealVerdict, nativeReport,
  checkTracesAsCli, seek, counter,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

test('the lesson: a saga locks nothing; two-phase commit holds locks through a crash and refuses other orders', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'two-phase-commit');
  assert.match(await page.getByTestId('lesson-title').textContent(), /Saga or two-phase commit/);
  assert.equal(await revealVerdict(page), 'correct');
  assert.equal(await counter(page, 'c-sagas-completed'), '426');
  assert.equal(await counter(page, 'c-sagas-compensated'), '74');
  assert.equal(await page.getByTestId('c-lock-conflicts').count(), 0, 'a saga has no locks to count');
  assert.match(await page.getByTestId('sagas').textContent(), /^Sagas: 426 completed · 74 compensated · 0 open · 0 half done/);

  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'correct');
  const native = nativeReport('two-phase-commit');
  assert.equal(native.lock_conflicts, 30);
  assert.equal(await counter(page, 'c-tx-committed'), String(native.tx_committed));
  assert.equal(await counter(page, 'c-tx-aborted'), String(native.tx_aborted));
  assert.equal(await counter(page, 'c-lock-conflicts'), String(native.lock_conflicts));
  const held = native.sagas.locks_held;
  assert.equal(
    await page.getByTestId('sagas').textContent(),
    `Two-phase commit: ${native.tx_committed} committed · ${native.tx_aborted} aborted · 0 open · 0 half done · `
      + `locks held p50 ${held.p50} ms · max ${held.max} ms · 0 still held`,
  );
  // The key moment, a coordinator's crash, is what the jump buttons find.
  assert.equal(await page.getByTestId('jump-kind').inputValue(), 'crash');
  await seek(page, 0);
  await page.getByTestId('jump-next').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 2000);
  await screenshot(page, 'two-phase-locked');
  assert.deepEqual(problems, []);

  const zh = await openApp(chrome.browser, server.url, { path: '#v=1&p=two-phase-commit&seed=1', locale: 'zh-CN' });
  await waitForVerdict(zh.page);
  assert.match(await zh.page.getByTestId('sagas').textContent(), /^两阶段提交：409 个提交 · 91 个中止/);
  assert.deepEqual(zh.problems, []);
});

test('the page traces a two-phase commit as the command line does', async () => {
  await checkTracesAsCli(chrome.browser, server.url, 'two-phase-commit', 2);
});

test('the editor switches a saga to two-phase commit (no compensations, no tombstones) and offers the crash in the middle', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=saga&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const protocol = page.locator('[data-path="consumers[0].saga.protocol"]');
  await protocol.waitFor();
  assert.equal(await protocol.inputValue(), 'saga');
  const compensation = page.locator('[data-path="consumers[0].saga.steps[0].compensation"]');
  assert.equal(await compensation.count(), 1);
  const tombstones = page.locator('[data-path="consumers[0].saga.tombstones"]');
  assert.equal(await tombstones.isChecked(), true, 'a saga\'s services keep tombstones by default');
  await protocol.selectOption('two_phase_commit');
  await compensation.waitFor({ state: 'detached' });
  await tombstones.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelector('[data-testid=sagas]')?.textContent.startsWith('Two-phase commit:'));
  await waitForVerdict(page);
  assert.match(await page.getByTestId('sagas').textContent(), /0 half done · locks held p50/);
  const point = page.locator('[data-path="consumers[0].crash.point"]');
  assert.ok((await point.locator('option').allTextContents()).some((o) => /in the middle of a saga/.test(o)));
  await point.selectOption('mid_transaction');
  await page.locator('[data-path="consumers[0].crash.probability"]').fill('0.05');
  await page.locator('[data-path="consumers[0].crash.probability"]').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=c-crashes]') !== null);
  await waitForVerdict(page);
  assert.match(await page.getByTestId('sagas').textContent(), /0 half done/);
  await screenshot(page, 'two-phase-editor');
  assert.deepEqual(problems, []);
});

test('the State tab shows participants locked while their coordinator is down, and orders refused on a locked item', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=two-phase-commit&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'State' }).click();
  // The first coordinator crash is at 2,203 ms, for a second: by 2,500 ms its
  // transactions' participants hold their locks and other orders were refused.
  await seek(page, 2500);
  await page.waitForFunction(() => document.querySelector('td[data-mark=prepared]') !== null);
  assert.ok(await page.locator('td[data-mark=locked]').count() > 0, 'an order refused on a locked item');
  await screenshot(page, 'two-phase-timeline');
  // At the end every transaction committed everywhere or nowhere.
  await seek(page, 1e9);
  await page.waitForFunction(() => document.querySelector('[data-testid=saga-summary]')?.textContent.startsWith('500 transactions begun'));
  for (const row of await page.locator('.sagas tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    outcome: tr.className, marks: [...tr.querySelectorAll('td[data-mark]')].map((td) => td.dataset.mark),
  })))) {
    if (row.outcome === 'completed') assert.deepEqual(row.marks, ['done', 'done', 'done']);
    else assert.ok(!row.marks.includes('done') && !row.marks.includes('prepared'), JSON.stringify(row));
  }
  assert.deepEqual(problems, []);
});
