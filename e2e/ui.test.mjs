// The classroom UI in real Chromium: every control a teacher uses, and the
// numbers agree with the native engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveDist, launch, openApp, screenshot, nativeReport, waitForVerdict, seek, clockMs, findColor,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

const MESSAGE_BLUE = [0x00, 0x72, 0xb2];

test('a preset plays, pauses, steps and seeks; the end agrees with the native engine', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  // The static loading shell gave way to the app: one header, one title.
  await page.getByTestId('preset').waitFor();
  assert.equal(await page.locator('#shell').count(), 0);
  assert.equal(await page.locator('h1').count(), 1);
  await page.getByTestId('preset').selectOption('lossy-fire-and-forget');
  assert.equal(await waitForVerdict(page), 'losses');
  assert.match(await page.getByTestId('verdict-sentence').textContent(), /never took effect/);

  // Play, then pause: time moved and then stands still.
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('play').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 20);
  await page.getByTestId('play').click();
  const paused = await clockMs(page);
  await page.waitForFunction(() => true); // one more task: nothing moves while paused
  assert.equal(await clockMs(page), paused);

  // Step shows exactly one more event.
  const count = async () => parseInt((await page.getByTestId('event-count').textContent()).match(/\d+/)[0], 10);
  const before = await count();
  await page.getByTestId('step').click();
  await page.waitForFunction((n) => parseInt(document.querySelector('[data-testid=event-count]').textContent.match(/\d+/)[0], 10) === n + 1, before);
  // The arrow key steps too.
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => parseInt(document.querySelector('[data-testid=event-count]').textContent.match(/\d+/)[0], 10) === n + 2, before);

  // Seek to the end: the counters equal the native CLI's report.
  const end = parseFloat(await page.getByTestId('timeline').getAttribute('max'));
  await seek(page, end);
  await page.waitForFunction(() => /^(\d+) \/ \1$/.test(document.querySelector('[data-testid=c-produced]').textContent));
  const want = nativeReport('lossy-fire-and-forget');
  assert.equal(await page.getByTestId('c-sent').textContent(), String(want.sent));
  assert.equal(await page.getByTestId('c-lost').textContent(), String(want.lost_in_transit));
  assert.equal(await page.getByTestId('c-delivered').textContent(), String(want.delivered));
  assert.equal(await page.getByTestId('c-effects').textContent(), String(want.effects_applied));

  // Seek back to the middle.
  await seek(page, 1000);
  await page.waitForFunction(() => document.querySelector('[data-testid=clock]').textContent.startsWith('1000.000'));
  // Space toggles play.
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').textContent.includes('Pause'));
  await page.keyboard.press('Space');
  await screenshot(page, 'topology-and-sequence');
  assert.deepEqual(problems, []);
});

test('clicking a moving dot follows that message in every view', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await seek(page, 300);
  await page.waitForFunction(() => document.querySelector('[data-testid=clock]').textContent.startsWith('300.000'));
  // The animation loop draws the paused frame; find the message-blue blobs
  // (moving dots, but also busy-slot squares and the legend) and click each
  // until one selects its message: at least one must be a moving dot.
  let blobs = [];
  for (let i = 0; i < 20 && blobs.length === 0; i += 1) {
    const hits = (await findColor(page, 'topology', MESSAGE_BLUE, 4)).filter(([, y]) => y > 40 && y < 380);
    for (const [x, y] of hits) {
      const near = blobs.find((b) => Math.abs(b.x - x) < 12 && Math.abs(b.y - y) < 12);
      if (!near) blobs.push({ x, y });
    }
  }
  assert.ok(blobs.length > 0, 'a message dot is on screen');
  const title = page.getByTestId('message-title');
  for (const { x, y } of blobs) {
    await page.getByTestId('topology').click({ position: { x: x + 2, y: y + 2 } });
    if (await title.isVisible()) break;
  }
  await title.waitFor({ timeout: 2000 });
  const msg = (await title.textContent()).match(/#(\d+)/)[1];
  assert.ok(await page.getByTestId('message-outcome').isVisible());
  const lifeRows = await page.locator('.life li').count();
  assert.ok(lifeRows >= 4, `the whole life is listed (${lifeRows} rows)`);
  await screenshot(page, 'message-card');

  // The log, filtered to that message, shows only its events.
  await page.getByRole('tab', { name: 'Event log' }).click();
  await page.getByTestId('log-msg').fill(msg);
  await page.getByTestId('log-msg').press('Enter');
  await page.waitForFunction((m) => {
    const rows = [...document.querySelectorAll('[data-testid=log-row] .m')];
    return rows.length > 0 && rows.every((r) => r.textContent === `#${m}`);
  }, msg);
  assert.equal(await page.getByTestId('log-total').textContent(), `${lifeRows} rows`);
  assert.deepEqual(problems, []);
});

test('the event log is virtualised and a row click selects its message', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await page.getByTestId('preset').selectOption('slow-consumer');
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Event log' }).click();
  const total = parseInt(await page.getByTestId('log-total').textContent(), 10);
  assert.ok(total > 3000);
  const inDom = await page.getByTestId('log-row').count();
  assert.ok(inDom <= 80, `only the visible rows are in the DOM (${inDom} of ${total})`);
  await page.getByTestId('log-kind').selectOption('effect');
  await page.waitForFunction(() => document.querySelector('[data-testid=log-total]').textContent.startsWith('1000 '));
  await page.getByTestId('log-row').first().click();
  await page.getByTestId('message-title').waitFor();
  await screenshot(page, 'event-log');
  assert.deepEqual(problems, []);
});

test('a bad value shows an inline error and keeps the other edits; idempotency flips the verdict', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await page.getByTestId('preset').selectOption('acks-and-retries');
  assert.equal(await waitForVerdict(page), 'duplicates');
  // First visit: the message tab explains what to click and what msgsim is.
  assert.ok(await page.getByTestId('intro').isVisible());
  await page.getByRole('tab', { name: 'Scenario' }).click();

  const messages = page.locator('[data-path="producers[0].messages"]');
  await messages.fill('150');
  await messages.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=c-produced]').textContent.endsWith('/ 150'));

  const timeout = page.locator('[data-path="producers[0].send.timeout_ms"]');
  await timeout.fill('soon');
  await timeout.press('Enter');
  const error = page.locator('[data-error-for="producers[0].send.timeout_ms"]');
  await error.waitFor();
  assert.match(await error.textContent(), /Enter a number/);
  assert.equal(await timeout.inputValue(), 'soon', 'what was typed stays');
  assert.equal(await messages.inputValue(), '150', 'the other edit is intact');
  assert.ok(await page.getByTestId('editor-blocked').isVisible());
  await screenshot(page, 'editor-with-error');

  // A validation error is shown at its field too.
  await timeout.fill('40');
  await timeout.press('Enter');
  await error.waitFor({ state: 'detached' });
  const loss = page.locator('[data-path="network.links[0].loss"]');
  await loss.fill('1.5');
  await loss.press('Enter');
  await page.locator('[data-error-for="network.links[0].loss"]').waitFor();
  await loss.fill('0.1');
  await loss.press('Enter');
  await page.locator('[data-error-for="network.links[0].loss"]').waitFor({ state: 'detached' });

  // Turning the idempotency store on makes the outcome correct.
  await page.locator('[data-path="consumers[0].idempotency.enabled"]').check();
  await page.waitForSelector('[data-testid=verdict][data-verdict=correct]');
  assert.match(await page.getByTestId('verdict-sentence').textContent(), /exactly once/);
  assert.deepEqual(problems, []);
});

test('charts, dark theme and a projector-sized screen', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { viewport: { width: 1920, height: 1080 } });
  await waitForVerdict(page);
  const end = parseFloat(await page.getByTestId('timeline').getAttribute('max'));
  await seek(page, end / 2);
  await page.getByRole('tab', { name: 'Charts' }).click();
  await page.getByTestId('charts').waitFor();
  await page.getByTestId('theme').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  // The charts canvas is drawn (not blank): its dark background and some ink.
  let ink = [];
  for (let i = 0; i < 20 && ink.length === 0; i += 1) {
    ink = await findColor(page, 'charts', [0xe2, 0xe8, 0xf0], 10);
  }
  assert.ok(ink.length > 50, 'chart titles and axes are drawn');
  await screenshot(page, 'charts-dark-1080p');
  assert.deepEqual(problems, []);
});

test('a strict Content-Security-Policy: no inline script or style runs, and a violation is caught', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  const csp = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script in the page');
  assert.deepEqual(problems, [], 'the app itself violates nothing');
  // The log positions its rows without inline styles.
  await page.getByRole('tab', { name: 'Event log' }).click();
  await page.getByTestId('log-row').first().waitFor();
  assert.deepEqual(problems, []);
  // An injected inline script is refused, and the harness notices.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = 1';
    document.body.appendChild(s);
  });
  await page.waitForFunction(() => true);
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  await page.waitForTimeout(0);
  assert.ok(problems.some((p) => p.includes('CSP violation') || p.includes('Content Security Policy')), problems.join('\n'));
});

test('a message graph: fan-out per group, an exchange added in the editor, a broker crash drawn', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await page.getByTestId('preset').selectOption('fan-out');
  assert.equal(await waitForVerdict(page), 'correct');
  // One row per subscriber group, with the native engine's figures.
  const want = nativeReport('fan-out');
  const rows = page.locator('[data-testid=groups] tbody tr');
  assert.equal(await rows.count(), 3);
  for (const [i, g] of want.groups.entries()) {
    const cells = await rows.nth(i).locator('th, td').allTextContents();
    assert.equal(cells[0], `${g.name} (${g.queue})`);
    assert.equal(cells[1], String(g.effects));
    assert.equal(cells[4], `${g.latency.p50} / ${g.latency.p99}`);
  }
  assert.match(await page.getByTestId('verdict-sentence').textContent(), /900 effects expected across 3 groups/);
  await screenshot(page, 'fan-out');

  // The editor: a second exchange, bound to a queue; the run follows.
  await page.getByRole('tab', { name: 'Scenario' }).click();
  await page.getByRole('button', { name: 'Add an exchange' }).click();
  await page.locator('#edit-exchange-1').waitFor();
  const to = page.locator('[data-path="producers[0].to"]');
  await to.selectOption('exchange');
  await page.waitForSelector('[data-testid=verdict]:not([data-verdict=pending])');
  // The new exchange binds only the first queue: one group now gets everything.
  assert.equal(await page.locator('[data-testid=groups] tbody tr').nth(1).locator('td').first().textContent(), '0');
  const binding = page.locator('[data-path="exchanges[1].bindings[0].queue"]');
  assert.equal(await binding.inputValue(), 'inventory-queue');

  // A broker crash: the queue's box reads DOWN while it is down.
  await page.getByTestId('preset').selectOption('broker-crash');
  assert.equal(await waitForVerdict(page), 'losses');
  await seek(page, 1200);
  await screenshot(page, 'broker-down');
  assert.match(await page.getByTestId('topology').getAttribute('aria-label'), /1 nodes down/);
  assert.deepEqual(problems, []);
});
