// Lessons, two languages, compare mode, share links, files and the presenter
// tools, in real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serveDist, launch, openApp, screenshot, waitForVerdict, revealVerdict, seek, clockMs, downloadText, nativeTraceCsv,
  nativeReport, openLesson,
} from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

const tab = (page, name) => page.getByRole('tab', { name }).click();

test('a lesson hides its outcome until Reveal, flips its setting; side by side shows both verdicts', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'idempotency');
  assert.match(await page.getByTestId('lesson-question').textContent(), /Question for the class/);
  // Predict first: no verdict, percentiles or takeaway before the end; the counters so far stay.
  assert.equal(await page.getByTestId('verdict').getAttribute('data-verdict'), 'hidden');
  assert.equal(await page.getByTestId('lesson-takeaway').count(), 0);
  assert.ok(await page.getByTestId('c-produced').isVisible());
  assert.equal(await revealVerdict(page), 'duplicates');
  await page.getByTestId('lesson-takeaway').waitFor();
  await page.getByTestId('lesson-side-1').click();
  assert.equal(await page.getByTestId('verdict').getAttribute('data-verdict'), 'hidden', 'another setup: predict again');
  assert.equal(await revealVerdict(page), 'correct');
  await page.getByTestId('lesson-compare-0').click();
  await page.getByTestId('compare-hidden').waitFor();
  await page.getByTestId('reveal-outcome').click();
  const row = page.locator('[data-testid=compare] tr[data-row=duplicate_effects]');
  await row.waitFor();
  assert.equal(await row.getAttribute('class'), 'better');
  const before = nativeReport('acks-and-retries').duplicate_effects;
  assert.ok(before > 0);
  assert.deepEqual(await row.locator('td').allTextContents(), [String(before), '→', '0']);
  assert.ok(await page.getByTestId('topology-reference').isVisible(), 'both runs are drawn');
  assert.deepEqual(await page.getByTestId('pane-verdict').evaluateAll((els) => els.map((e) => e.dataset.verdict)), ['duplicates', 'correct']);
  await seek(page, 500);
  await screenshot(page, 'lesson-compare');
  assert.deepEqual(problems, []);
});

test('a lesson plays to its end and the outcome appears; the setting turns hiding off', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'lossy-link');
  assert.equal(await page.getByTestId('verdict').getAttribute('data-verdict'), 'hidden');
  await page.getByTestId('speed').selectOption('10000');
  await page.getByTestId('play').click();
  // The first setup is the healthy link: at its end, its verdict appears on its own.
  await page.waitForSelector('[data-testid=verdict][data-verdict=correct]');
  await page.getByTestId('lesson-takeaway').waitFor();
  await page.getByTestId('predict-first').uncheck();
  await page.getByTestId('lesson-side-1').click();
  assert.notEqual(await waitForVerdict(page), 'hidden', 'free exploration shows the outcome at once');
  assert.deepEqual(problems, []);
});

test('jump buttons go to each loss and back; step back undoes a step', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'crash-before-ack');
  assert.equal(await page.getByTestId('jump-kind').inputValue(), 'crash', 'the lesson opens on its moment');
  await page.getByTestId('jump-next').click();
  const first = await page.getByTestId('event-count').textContent();
  await page.getByTestId('jump-next').click();
  const second = await page.getByTestId('event-count').textContent();
  assert.notEqual(first, second);
  await page.keyboard.press('[');
  assert.equal(await page.getByTestId('event-count').textContent(), first);
  await page.keyboard.press('ArrowLeft');
  assert.notEqual(await page.getByTestId('event-count').textContent(), first);
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByTestId('event-count').textContent(), first);
  // Marks over the timeline: the crashes so far (the rest is hidden until the end).
  assert.ok(await page.locator('[data-testid=timeline-marks] rect.crash').count() >= 1);
  assert.deepEqual(problems, []);
});

test('switching language mid-run keeps the run, and the choice is remembered', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('play').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 50);
  await page.getByTestId('lang').selectOption('zh-CN');
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').textContent.includes('暂停'));
  const t1 = await clockMs(page);
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid=clock]').textContent) > t + 100, t1);
  assert.match(await page.getByTestId('verdict-sentence').textContent(), /重复生效/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').textContent.includes('播放'));
  await screenshot(page, 'chinese');
  assert.deepEqual(problems, []);
});

test('a first visit follows the browser language', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { locale: 'zh-CN' });
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').textContent.includes('播放'));
  assert.equal(await page.getByRole('tab', { name: '课时' }).count(), 1);
  assert.deepEqual(problems, []);
});

test('a share link opened in a fresh page reproduces the exact run and report', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'crash-before-ack');
  await revealVerdict(page);
  await tab(page, 'Scenario');
  const msgs = page.locator('[data-path="producers[0].messages"]');
  await msgs.fill('150');
  await msgs.press('Enter');
  await page.getByTestId('seed').fill('99');
  await page.getByTestId('seed').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=c-produced]').textContent.endsWith('/ 150'));
  await waitForVerdict(page);
  await seek(page, 700);
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  assert.match(url, /#v=1&p=crash-before-ack&seed=99&t=700&lesson=crash-before-ack/);
  const want = {
    verdict: await page.getByTestId('verdict').getAttribute('data-verdict'),
    sentence: await page.getByTestId('verdict-sentence').textContent(),
    counters: await page.getByTestId('counters').textContent(),
  };

  const fresh = await openApp(chrome.browser, server.url, { path: url.slice(url.indexOf('#')) });
  assert.equal(await fresh.page.getByTestId('verdict').getAttribute('data-verdict'), 'hidden', 'a lesson link: predict first');
  await revealVerdict(fresh.page);
  await fresh.page.waitForFunction(() => document.querySelector('[data-testid=clock]').textContent.startsWith('700.000'));
  assert.equal(await fresh.page.getByTestId('verdict').getAttribute('data-verdict'), want.verdict);
  assert.equal(await fresh.page.getByTestId('verdict-sentence').textContent(), want.sentence);
  assert.equal(await fresh.page.getByTestId('counters').textContent(), want.counters);
  assert.equal(await fresh.page.getByTestId('seed').inputValue(), '99');
  assert.match(await fresh.page.getByTestId('lesson-title').textContent(), /crash between processing and ack/i);
  assert.deepEqual([...problems, ...fresh.problems], []);
});

test('a bad or future link explains itself and leaves saved work alone', async () => {
  const { page, context, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await tab(page, 'Files');
  await page.getByTestId('save-name').fill('keep me');
  await page.getByTestId('save').click();
  assert.match(await page.getByTestId('saved-notice').textContent(), /Saved as “keep me”/);
  for (const [fragment, words] of [['#v=9&p=reliable-queue&seed=1', /newer msgsim/], ['#v=1&p=reliable-queue&seed=1&d=eyJwc', /damaged or cut short/]]) {
    const other = await openApp(chrome.browser, server.url, { context, path: fragment });
    await other.page.getByTestId('notice').waitFor();
    assert.match(await other.page.getByTestId('notice').textContent(), words);
    assert.equal(await waitForVerdict(other.page), 'duplicates', 'the default scenario runs');
    await other.page.getByRole('tab', { name: 'Files' }).click();
    assert.match(await other.page.getByTestId('saved').textContent(), /keep me/);
    await other.page.close();
  }
  assert.deepEqual(problems, []);
});

test('a malformed file is reported and changes nothing; a good one loads by drag and drop', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await page.getByTestId('preset').selectOption('poison-to-dlq');
  await waitForVerdict(page);
  await tab(page, 'Files');
  await page.getByTestId('import').setInputFiles({
    name: 'broken.json', mimeType: 'application/json',
    buffer: Buffer.from('{"producers":[{"arrival":{"kind":"poisson","rate_per_s":"fast"}}]}'),
  });
  const notice = page.getByTestId('notice');
  await notice.waitFor();
  assert.match(await notice.textContent(), /broken\.json is not a valid scenario/);
  assert.match(await notice.textContent(), /producers\[0\]\.arrival\.rate_per_s/);
  assert.equal(await page.getByTestId('preset').inputValue(), 'poison-to-dlq', 'state intact');
  await screenshot(page, 'import-error');

  const good = JSON.stringify({ version: 1, name: 'Dropped', producers: [{ name: 'p', to: 'q', messages: 7 }],
    queues: [{ name: 'q' }], consumers: [{ name: 'c', from: 'q' }] });
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
    return d;
  }, good);
  await page.locator('.app').dispatchEvent('drop', { dataTransfer: dt });
  await page.waitForFunction(() => document.querySelector('[data-testid=c-produced]').textContent.endsWith('/ 7'));
  assert.match(await notice.textContent(), /Opened dropped\.json/);
  assert.deepEqual(problems, []);
});

test('exports: the trace is byte-for-byte the native CLI trace; scenario, SVG and PNG download', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await page.getByTestId('preset').selectOption('acks-and-retries');
  await waitForVerdict(page);
  await tab(page, 'Files');
  const get = async (id) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
    return { name: d.suggestedFilename(), bytes: await downloadText(d) };
  };
  const csv = await get('export-csv');
  assert.equal(csv.name, 'msgsim-acks-and-retries-seed1-trace.csv');
  assert.ok(csv.bytes.equals(nativeTraceCsv('acks-and-retries', 1)), 'identical to `msgsim run --trace`');
  const jsonl = await get('export-jsonl');
  assert.equal(jsonl.bytes.toString().trim().split('\n').length, csv.bytes.toString().trim().split('\n').length - 1);
  const scenario = JSON.parse((await get('export-scenario')).bytes.toString());
  assert.equal(scenario.name, 'Acks and retries');
  const svg = (await get('export-topology-svg')).bytes.toString();
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /order-queue/);
  const png = (await get('export-sequence-png')).bytes;
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  const slide = await get('export-slide-png');
  assert.equal(slide.name, 'msgsim-acks-and-retries-seed1-slide.png');
  assert.deepEqual([...slide.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a slide is a PNG');
  // 1920×1080 at twice the resolution: the PNG header's width and height.
  assert.deepEqual([slide.bytes.readUInt32BE(16), slide.bytes.readUInt32BE(20)], [3840, 2160]);
  assert.deepEqual(problems, []);
});

test('the share dialog shows a QR code, warns about a local address, and Esc closes it from its field', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await page.getByTestId('share').click();
  await page.getByTestId('share-qr').waitFor();
  const box = await page.getByTestId('share-qr').boundingBox();
  assert.ok(box.width >= 300 && Math.abs(box.width - box.height) < 2, `large and square: ${box.width}×${box.height}`);
  assert.ok(await page.getByTestId('share-local').isVisible(), 'served at 127.0.0.1: students cannot reach it');
  await page.getByTestId('share-url').focus();
  await page.keyboard.press('Escape');
  await page.getByTestId('share-url').waitFor({ state: 'detached' });
  assert.deepEqual(problems, []);
});

test('clicking a link opens its own form; the first value creates its override', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await page.getByTestId('preset').selectOption('reliable-queue');
  await waitForVerdict(page);
  // The link from the producer (left column, 13% of the width) to the queue
  // (middle): one node each, so both sit half-way down the area under the
  // column headings (26 px) and above the legend (22 px).
  const canvas = page.getByTestId('topology');
  const b = await canvas.boundingBox();
  await canvas.click({ position: { x: b.width * 0.31, y: 26 + (b.height - 48) / 2 } });
  await page.getByTestId('new-link-note').waitFor();
  const loss = page.locator('[data-path="network.links[0].loss"]');
  await loss.fill('0.5');
  await loss.press('Enter');
  await page.locator('#edit-link-0').waitFor();
  await page.waitForSelector('[data-testid=verdict][data-verdict=losses]');
  assert.deepEqual(problems, []);
});


test('a saved scenario survives a reload', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await page.getByTestId('preset').selectOption('backpressure');
  await waitForVerdict(page);
  await tab(page, 'Files');
  await page.getByTestId('save-name').fill('Friday overload');
  await page.getByTestId('save').click();
  await page.getByTestId('saved').waitFor();
  await page.goto(server.url); // a fresh load of the page, same browser profile
  await waitForVerdict(page);
  await tab(page, 'Files');
  const saved = page.getByTestId('saved');
  assert.match(await saved.textContent(), /Friday overload/);
  await saved.getByRole('button', { name: 'Open' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=c-produced]').textContent.endsWith('/ 300'));
  assert.equal(await waitForVerdict(page), 'correct');
  assert.deepEqual(problems, []);
});

test('presenter tools: shortcuts overlay, large text', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { viewport: { width: 1920, height: 1080 } });
  await waitForVerdict(page);
  await page.keyboard.press('?');
  await page.getByTestId('shortcuts').waitFor();
  await screenshot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
  await page.keyboard.press('l');
  await page.waitForFunction(() => document.documentElement.dataset.text === 'large');
  await screenshot(page, 'large-text-1080p');
  assert.deepEqual(problems, []);
});
