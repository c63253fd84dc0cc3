// Rebuilding a projection by replaying its topic, in the page: the lesson's
// two runs (from zero, from snapshots) show what the command line reports,
// the page traces a rebuild as `msgsim run --trace` does, the State tab
// empties and refills the balances and marks the accounts the rebuild left
// short, and the editor sets the snapshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveDist, launch, openApp, waitForVerdict, screenshot, openLesson, revealVerdict, nativeReport,
  checkTracesAsCli, seek, counter,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

test('the lesson: from zero the replay misses what retention removed; from snapshots it misses nothing', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'projection-rebuild');
  assert.match(await page.getByTestId('lesson-title').textContent(), /Rebuild a projection by replaying the log/);
  assert.equal(await revealVerdict(page), 'correct');
  const native = nativeReport('projection-rebuild');
  assert.equal(native.replay_gone, 546);
  assert.equal(await counter(page, 'c-replayed'), String(native.replayed));
  assert.equal(await counter(page, 'c-replay-gone'), String(native.replay_gone));
  assert.equal(await counter(page, 'c-duplicate-effects'), '0', 'a replay is no duplicate');
  assert.equal(
    await page.getByTestId('rebuild').textContent(),
    `Projection rebuilt: ${native.replayed} records replayed · ${native.replay_gone} gone before the replay reached them · caught up in ${native.rebuild_ms} ms`,
  );
  assert.equal(await page.getByTestId('jump-kind').inputValue(), 'rebuild');

  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'correct');
  assert.equal(await counter(page, 'c-replayed'), '116');
  assert.equal(await counter(page, 'c-replay-gone'), '0');
  assert.equal(await counter(page, 'c-snapshots'), '20');
  assert.match(await page.getByTestId('rebuild').textContent(), /116 records replayed · 0 gone .* caught up in 608 ms$/);
  // Side by side: fewer replayed, none gone, quicker.
  await page.getByTestId('lesson-compare-0').click();
  await page.getByTestId('compare-hidden').waitFor();
  await page.getByTestId('reveal-outcome').click();
  const gone = page.locator('[data-testid=compare] tr[data-row=replay_gone]');
  await gone.waitFor();
  assert.deepEqual(await gone.locator('td').allTextContents(), ['546', '→', '0']);
  assert.equal(await gone.getAttribute('class'), 'better');
  assert.deepEqual(await page.locator('[data-testid=compare] tr[data-row=rebuild_ms] td').allTextContents(), ['1403', '→', '608']);
  assert.deepEqual(problems, []);

  const zh = await openApp(chrome.browser, server.url, { path: '#v=1&p=projection-rebuild&seed=1', locale: 'zh-CN' });
  await waitForVerdict(zh.page);
  assert.match(await zh.page.getByTestId('rebuild').textContent(), /^投影已重建：重放 1070 条记录 · 546 条/);
  assert.deepEqual(zh.problems, []);
});

test('the page traces a rebuild as the command line does', async () => {
  await checkTracesAsCli(chrome.browser, server.url, 'projection-rebuild', 2);
});

test('the State tab empties the balances at the rebuild, refills them, and marks the accounts left short', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=projection-rebuild&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const summary = () => page.getByTestId('state-summary').textContent();
  const total = () => page.locator('[data-testid=state] tbody tr').evaluateAll(
    (trs) => trs.reduce((sum, tr) => sum + Number(tr.querySelectorAll('td')[0].textContent.trim().split(/\s/)[0]), 0),
  );
  await seek(page, 7999);
  await page.waitForFunction(() => /^40 keys; 0 where/.test(document.querySelector('[data-testid=state-summary]')?.textContent ?? ''));
  assert.ok(await total() > 0);
  await seek(page, 8100);
  await page.waitForFunction(() => /^40 keys; 40 where/.test(document.querySelector('[data-testid=state-summary]')?.textContent ?? ''));
  assert.equal(await total(), 0, 'the state dropped at the rebuild');
  await screenshot(page, 'rebuild-empty');
  await seek(page, 1e9);
  // Refilled, but short: the records gone before the replay reached them.
  const native = nativeReport('projection-rebuild');
  await page.waitForFunction((want) => [...document.querySelectorAll('[data-testid=state] tbody tr td')]
    .reduce((sum, td) => sum + Number(td.textContent), 0) === want, native.effects_applied - native.replay_gone);
  const [, differing] = (await summary()).match(/^40 keys; (\d+) where/);
  assert.ok(Number(differing) > 30, `${differing} accounts short at the end`);
  await screenshot(page, 'rebuild-short');
  assert.deepEqual(problems, []);
});

test('the editor sets snapshots: the same rebuild then loses nothing', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=projection-rebuild&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const every = page.locator('[data-path="consumers[0].log.snapshot_every"]');
  await every.waitFor();
  assert.equal(await every.inputValue(), '');
  await every.fill('100');
  await every.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=c-snapshots]') !== null);
  await waitForVerdict(page);
  await page.waitForFunction(() => /116 records replayed · 0 gone/.test(document.querySelector('[data-testid=rebuild]')?.textContent ?? ''));
  // A snapshot interval of 0 is named where it was typed.
  await every.fill('0');
  await every.press('Enter');
  await page.locator('[data-error-for="consumers[0].log.snapshot_every"]').waitFor();
  assert.deepEqual(problems, []);
});
