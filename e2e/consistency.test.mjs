// A service's two writes in the page: the dual-write lessons show what the
// command line reports, the timeline marks each crash between the writes,
// and the editor switches a service to an outbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveDist, launch, openApp, waitForVerdict, screenshot, openLesson, revealVerdict, nativeReport,
  nativeTraceCsv, pageTraceCsv, seek, counter,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

test('the dual-write lesson: an event lost, an order applied twice, a phantom', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'dual-write');
  assert.match(await page.getByTestId('lesson-title').textContent(), /Dual write/);
  assert.equal(await revealVerdict(page), 'losses');
  const native = nativeReport('dual-write');
  assert.equal(native.events_lost, 13);
  assert.equal(await counter(page, 'c-events-lost'), String(native.events_lost));
  assert.ok(await page.locator('.marks .mark.dual_write').count() > 0, 'the timeline marks the crashes between the writes');
  assert.match(await page.getByTestId('verdict-sentence').textContent(), /13 events a service committed and never published/);
  // At the first lost event, the topology says so under the service.
  await seek(page, 0);
  await page.getByTestId('jump-kind').selectOption('dual_write');
  await page.getByTestId('jump-next').click();
  await screenshot(page, 'dual-write-event-lost');

  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'duplicates');
  assert.equal(await counter(page, 'c-events-lost'), '0');

  await page.getByTestId('lesson-side-2').click();
  assert.equal(await revealVerdict(page), 'duplicates');
  const first = nativeReport('dual-write-publish-first');
  assert.equal(await counter(page, 'c-phantoms'), String(first.phantom_events));
  assert.deepEqual(problems, []);
});

test('the outbox lesson ends correct, and the page traces an outbox as the command line does', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'outbox');
  assert.equal(await revealVerdict(page), 'losses');
  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'duplicates');
  await page.getByTestId('lesson-side-2').click();
  assert.equal(await revealVerdict(page), 'correct');
  assert.equal(await counter(page, 'c-events-lost'), '0');

  const outbox = await openApp(chrome.browser, server.url, { path: '#v=1&p=outbox&seed=3' });
  await waitForVerdict(outbox.page);
  assert.ok((await pageTraceCsv(outbox.page)).equals(nativeTraceCsv('outbox', 3)), 'the page traces what `msgsim run --trace` does');
  assert.deepEqual(outbox.problems, []);
  assert.deepEqual(problems, []);
});

test('the editor turns a dual write into an outbox, and names a crash point that needs a publisher', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=dual-write&seed=1' });
  assert.equal(await waitForVerdict(page), 'losses');
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const write = page.locator('[data-path="consumers[0].publish.write"]');
  await write.waitFor();
  assert.equal(await write.inputValue(), 'commit_first');
  assert.equal(await page.locator('[data-path="consumers[0].crash.point"]').inputValue(), 'between_writes');
  assert.equal(await page.locator('[data-path="consumers[0].publish.relay_poll_ms"]').count(), 0);
  await write.selectOption('outbox');
  const poll = page.locator('[data-path="consumers[0].publish.relay_poll_ms"]');
  await poll.waitFor();
  assert.equal(await poll.inputValue(), '100');
  assert.equal(await waitForVerdict(page), 'correct');
  await seek(page, 2000);
  await screenshot(page, 'outbox-editor');

  // Shipping publishes nothing: a crash between its writes is named, inline.
  const point = page.locator('[data-path="consumers[1].crash.point"]');
  assert.deepEqual(await point.locator('option').evaluateAll((o) => o.map((x) => x.value)), ['before_effect', 'after_effect']);
  await poll.fill('0');
  await poll.press('Enter');
  const error = page.locator('[data-error-for="consumers[0].publish.relay_poll_ms"]');
  await error.waitFor();
  assert.equal(await poll.inputValue(), '0', 'what was typed stays');
  assert.ok(await page.getByTestId('editor-blocked').isVisible());
  assert.deepEqual(problems, []);

  const zh = await openApp(chrome.browser, server.url, { path: '#v=1&p=outbox&seed=1', locale: 'zh-CN' });
  await waitForVerdict(zh.page);
  await zh.page.getByRole('tab', { name: '场景编辑' }).click();
  await zh.page.getByText('写入变更与事件').first().waitFor();
  await zh.page.getByText('转发器轮询间隔').first().waitFor();
  assert.deepEqual(zh.problems, []);
});

test('the state tab: each service\'s table, the keys where shipping lacks orders, rebuilt when seeking', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=dual-write&seed=1' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'State' }).click();
  const summary = page.getByTestId('state-summary');
  await seek(page, 0);
  await page.waitForFunction(() => document.querySelector('[data-testid=state-summary]')?.textContent.startsWith('0 keys'));
  await seek(page, 1e9);
  await page.waitForFunction(() => document.querySelector('[data-testid=state-summary]')?.textContent.startsWith('20 keys'));
  const native = nativeReport('dual-write');
  // Per key, shipping's count falls short of the order service's by the lost events.
  const rows = await page.locator('.state tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))));
  const short = rows.reduce((n, [orders, shipped]) => n + (orders - shipped), 0);
  assert.equal(short, native.events_lost);
  assert.match(await summary.textContent(), /20 keys; \d+ where a service disagrees/);
  assert.ok(await page.locator('.state td.differs').count() > 0);
  assert.equal(await page.locator('.state td.last').count(), 1);
  // The consistency chart: the keys that disagree over the run, for good
  // here (lost events); its line at the end is the table's count.
  const chart = page.getByTestId('consistency-chart');
  const [, differing] = (await summary.textContent()).match(/; (\d+) where/);
  assert.equal(await chart.getAttribute('data-last-keys'), differing);
  assert.match(await chart.locator('svg').getAttribute('aria-label'), /^Consistency over the run/);
  await screenshot(page, 'state-tab');
  // With an outbox the keys disagree only while the relay catches up.
  await page.getByTestId('preset').selectOption('outbox');
  await waitForVerdict(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=consistency-chart]')?.dataset.lastKeys === '0'
    && Number(document.querySelector('[data-testid=consistency-chart]')?.dataset.maxKeys) > 0);
  // No services, no state tab.
  await page.getByTestId('preset').selectOption('reliable-queue');
  await waitForVerdict(page);
  assert.equal(await page.getByRole('tab', { name: 'State' }).count(), 0);
  assert.deepEqual(problems, []);
});

test('the versions lesson: out of order and doubled as they come, right in version order', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'versions');
  assert.equal(await revealVerdict(page), 'duplicates');
  const before = nativeReport('versions');
  assert.equal(await counter(page, 'c-ordering'), String(before.ordering_violations));
  await page.getByTestId('lesson-side-1').click();
  assert.equal(await revealVerdict(page), 'correct');
  assert.equal(await counter(page, 'c-ordering'), '0');
  assert.equal(await counter(page, 'c-held'), '138');
  // The editor shows the switch, on.
  await page.getByRole('tab', { name: 'Scenario' }).click();
  const versions = page.locator('[data-path="consumers[0].idempotency.versions"]');
  await versions.waitFor();
  assert.ok(await versions.isChecked());
  await screenshot(page, 'versions-lesson');
  assert.deepEqual(problems, []);
});
