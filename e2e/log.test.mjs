// The log broker in the page: a scenario with a topic and two consumer
// groups loads, runs to the native verdict, and its trace is byte for byte
// the command line's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  serveDist, launch, openApp, waitForVerdict, seek, downloadText, screenshot, openLesson, revealVerdict, nativeReport, findColor,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

const EXAMPLE = resolve(import.meta.dirname, '../docs/examples/log-groups.json');

test('a topic read by two groups runs in the page as on the command line', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.getByTestId('import').setInputFiles({
    name: 'log-groups.json', mimeType: 'application/json', buffer: readFileSync(EXAMPLE),
  });
  await page.waitForFunction(() => document.querySelector('[data-testid=c-produced]').textContent.endsWith('/ 3000'));
  const bin = resolve(import.meta.dirname, '../target/debug/msgsim');
  const native = JSON.parse(execFileSync(bin, ['run', EXAMPLE, '--seed', '1']).toString());
  assert.equal(native.verdict, 'duplicates');
  assert.equal(await waitForVerdict(page), native.verdict);
  await seek(page, 1200);
  await screenshot(page, 'log-groups');
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const out = resolve(import.meta.dirname, '../target/e2e-log-groups.csv');
  execFileSync(bin, ['run', EXAMPLE, '--seed', '1', '--trace', out]);
  assert.ok((await downloadText(d)).equals(readFileSync(out)), 'the page traces what `msgsim run --trace` does');
  assert.deepEqual(problems, []);
});

test('a log lesson: acks=1 loses acknowledged orders in a failover, acks=all none', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'acks-and-failover');
  assert.match(await page.getByTestId('lesson-title').textContent(), /acks=1 or acks=all/);
  assert.equal(await revealVerdict(page), 'losses');
  const native = nativeReport('log-acks-failover');
  assert.equal(native.acknowledged_lost, 9);
  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'correct');
  await screenshot(page, 'log-lesson-acks');
  assert.deepEqual(problems, []);
});

test('the partitions tab draws a topic\'s logs, its groups\' lag and readers, and only with topics', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { viewport: { width: 1440, height: 900 } });
  await waitForVerdict(page);
  assert.equal(await page.getByRole('tab', { name: 'Partitions' }).count(), 0, 'a queue scenario has no partitions tab');
  await openLesson(page, 'idle-members');
  await revealVerdict(page);
  await page.getByRole('tab', { name: 'Partitions' }).click();
  const canvas = page.getByTestId('partitions');
  // At the end, the group's lag is the report's (0: it caught up).
  const native = nativeReport('log-idle-members');
  const end = native.groups.find((g) => g.name === 'billing').lag.end;
  await seek(page, 1e9);
  await page.waitForFunction(() => document.querySelector('[data-testid=partitions]')?.getAttribute('aria-label')?.includes('lag'));
  assert.match(await canvas.getAttribute('aria-label'), new RegExp(`^events: 3 × 1800 · billing lag ${end}$`));
  // Half-way it lags; the group's colour (markers, lines) is drawn.
  await seek(page, 1500);
  await page.waitForFunction(() => !/lag 0$/.test(document.querySelector('[data-testid=partitions]')?.getAttribute('aria-label') ?? 'lag 0'));
  const lag = Number((await canvas.getAttribute('aria-label')).match(/lag (\d+)$/)[1]);
  assert.ok(lag > 0, 'two members fall behind');
  assert.ok((await findColor(page, 'partitions', [0xd5, 0x5e, 0x00], 8)).length > 0, 'the group colour is drawn');
  await screenshot(page, 'log-partitions');
  // A queue scenario: the tab goes and the charts show in its place.
  await page.getByTestId('preset').selectOption('backpressure');
  await page.getByRole('tab', { name: 'Partitions' }).waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('charts').count(), 1);
  assert.deepEqual(problems, []);
});

test('queue or log at the knee: the queue broker saturates, the log keeps up, and the costs are edited in the page', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'queue-or-log-at-the-knee');
  assert.match(await page.getByTestId('lesson-title').textContent(), /at the knee/);
  const percent = (r) => `${(r.broker_utilization[0].utilization * 100).toFixed(1)}%`;
  assert.equal(await revealVerdict(page), 'correct');
  const queues = nativeReport('knee-queues');
  assert.equal(await page.getByTestId('broker-busy').textContent(), `Brokers busy: queues ${percent(queues)}`);
  assert.equal(percent(queues), '99.9%');
  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'correct');
  const log = nativeReport('knee-log');
  assert.equal(await page.getByTestId('broker-busy').textContent(), `Brokers busy: updates/0 ${percent(log)}`);
  await screenshot(page, 'log-lesson-knee');

  // The costs and the producer's linger in the editor (words from the module).
  const edited = await openApp(chrome.browser, server.url, { path: '#v=1&p=knee-log&seed=1' });
  await waitForVerdict(edited.page);
  await edited.page.getByRole('tab', { name: 'Scenario' }).click();
  const cost = edited.page.locator('[data-path="costs.log.request_ms"]');
  await cost.waitFor();
  assert.equal(await cost.inputValue(), '0.1');
  assert.equal(await edited.page.locator('[data-path="producers[0].linger_ms"]').inputValue(), '5');
  assert.ok(await edited.page.getByText('Log brokers: time per request').isVisible());
  await cost.fill('2');
  await cost.press('Enter');
  await edited.page.waitForFunction(() => /updates\/0 (9\d|100)\.\d%/.test(document.querySelector('[data-testid=broker-busy]')?.textContent ?? ''));
  assert.deepEqual(edited.problems, []);

  // In Chinese too: the editor's own words are there.
  const zh = await openApp(chrome.browser, server.url, { path: '#v=1&p=knee-log&seed=1', locale: 'zh-CN' });
  await waitForVerdict(zh.page);
  await zh.page.getByRole('tab', { name: '场景编辑' }).click();
  await zh.page.getByText('日志代理：每个请求耗时').waitFor();
  assert.deepEqual(zh.problems, []);
  assert.deepEqual(problems, []);
});
