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
  await page.waitForFunction(() => !/lag 0$/.test(document.querySelector('[data-testid=partitions]').getAttribute('aria-label')));
  const lag = Number((await canvas.getAttribute('aria-label')).match(/lag (\d+)$/)[1]);
  assert.ok(lag > 0, 'two members fall behind');
  assert.ok((await findColor(page, 'partitions', [0xe6, 0x9f, 0x00], 8)).length > 0, 'the group colour is drawn');
  await screenshot(page, 'log-partitions');
  // A queue scenario: the tab goes and the charts show in its place.
  await page.getByTestId('preset').selectOption('backpressure');
  await page.getByRole('tab', { name: 'Partitions' }).waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('charts').count(), 1);
  assert.deepEqual(problems, []);
});
