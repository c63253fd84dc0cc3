// The sweep panel in real Chromium: a lesson's sweep runs on Web Workers and
// exports the CLI's exact CSV; a sweep can be cancelled; bad input is shown
// at its field and starts nothing; the share link carries the sweep.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serveDist, launch, openApp, waitForVerdict, downloadText, openLesson, screenshot } from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

/** The CSV `msgsim sweep … --out x.csv` writes. */
function nativeSweepCsv(args) {
  const out = join(mkdtempSync(join(tmpdir(), 'msgsim-sweep-')), 'sweep.csv');
  execFileSync(resolve(import.meta.dirname, '../target/debug/msgsim'), ['sweep', ...args, '--out', out]);
  return readFileSync(out, 'utf8');
}

/** The text of the file a click offers for download. */
async function downloaded(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return (await downloadText(d)).toString('utf8');
}

const status = (page) => page.getByTestId('sweep-status').textContent();
const done = (page) => page.waitForFunction(() => /runs in/.test(document.querySelector('[data-testid=sweep-status]')?.textContent ?? ''), null, { timeout: 120_000 });

test("a lesson's sweep runs on workers, draws theory, and exports the CLI's CSV", async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  await openLesson(page, 'how-many-retries');
  await page.getByTestId('lesson-sweep').click();
  await done(page);
  assert.match(await status(page), /^120 runs in [\d.]+ s on \d+ workers\.$/);
  const rows = page.locator('[data-testid=sweep-table] tbody tr');
  assert.equal(await rows.count(), 24, 'a row per point');
  // p = 0.3 and 3 attempts: theory says 1,000 × 0.3³ = 27.
  const row = await rows.nth(3 * 6 - 6 + 3).locator('td').allTextContents();
  assert.deepEqual([row[0], row[1], row[2], row[6]], ['3', '0.3', 'never_applied', '27']);
  const csv = await downloaded(page, () => page.getByTestId('sweep-export-csv').click());
  const native = nativeSweepCsv(['--preset', 'how-many-retries', '--vary', 'network.links[0].loss=0:0.5:6',
    '--series', 'producers[0].send.max_attempts=1,2,3,5', '--seeds', '5', '--figure', 'never_applied']);
  assert.equal(csv, native, 'the browser writes the CLI’s bytes');
  const svg = await downloaded(page, () => page.getByTestId('sweep-export-svg').click());
  assert.match(svg, /^<svg[^>]*>/);
  assert.match(svg, /theory \(pᵏ\)/, 'the overlay is in the exported chart');
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sweep-export-png').click()]);
  assert.match(png.suggestedFilename(), /-sweep\.png$/);
  assert.deepEqual([...(await downloadText(png)).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  await page.getByTestId('sweep-chart').scrollIntoViewIfNeeded();
  await screenshot(page, 'sweep-lesson');
  assert.deepEqual(problems, []);
});

test('a running sweep is cancelled at once and keeps what came in; a bad form starts nothing', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=hockey-stick&seed=3' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Sweep' }).click();
  const fill = async (values) => {
    for (const [id, v] of Object.entries(values)) await page.getByTestId(`sweep-${id}`).fill(v);
  };
  // A bad form: each problem at its field, nothing started, the text kept.
  await fill({ vary: 'producers[0].arrival.rate_per_s', from: 'abc', to: '950', steps: '0', seeds: '5', figures: 'latency.mean' });
  await page.getByTestId('sweep-run').click();
  assert.equal(await page.getByTestId('sweep-from').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#sweep-from-error').textContent(), /“abc” is not a number/);
  assert.match(await page.locator('#sweep-steps-error').textContent(), /whole number from 1/);
  assert.equal(await page.getByTestId('sweep-from').inputValue(), 'abc');
  assert.equal(await page.getByTestId('sweep-progress').count(), 0, 'nothing started');
  // A long sweep, cancelled while it runs.
  await fill({ from: '100', steps: '18', seeds: '40' });
  await page.getByTestId('sweep-run').click();
  await page.waitForFunction(() => {
    const p = document.querySelector('[data-testid=sweep-progress]');
    return p && Number(p.value) >= 2;
  });
  const stoppedIn = await page.evaluate(() => new Promise((ok) => {
    const t0 = performance.now();
    document.querySelector('[data-testid=sweep-cancel]').click();
    const check = () => (/Cancelled/.test(document.querySelector('[data-testid=sweep-status]').textContent)
      ? ok(performance.now() - t0) : requestAnimationFrame(check));
    check();
  }));
  assert.ok(stoppedIn <= 100, `cancelled in ${stoppedIn} ms`);
  const text = await status(page);
  const [, inAtCancel, total] = text.match(/after (\d+) of (\d+) runs/).map(Number);
  assert.equal(total, 720);
  assert.ok(inAtCancel < total);
  // Ten frames later nothing more has come in: the workers are gone.
  await page.evaluate(() => new Promise((ok) => { let n = 0; const f = () => (++n < 10 ? requestAnimationFrame(f) : ok()); f(); }));
  assert.equal(await status(page), text);
  assert.deepEqual(problems, []);
});

test('the share link carries the sweep: opening it runs the same sweep', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url, { path: '#v=1&p=hockey-stick&seed=3' });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Sweep' }).click();
  for (const [id, v] of Object.entries({ vary: 'producers[0].arrival.rate_per_s', from: '200', to: '800', steps: '3', seeds: '2', figures: 'latency.mean, consumer_utilization' })) {
    await page.getByTestId(`sweep-${id}`).fill(v);
  }
  await page.getByTestId('sweep-run').click();
  await done(page);
  const url = page.url();
  assert.match(url, /&sweep=/);
  const first = await page.locator('[data-testid=sweep-table] tbody').textContent();
  // One worker gives the same table as two (each run's seed is its place in the sweep).
  await page.getByTestId('sweep-workers').fill('1');
  await page.getByTestId('sweep-run').click();
  await page.waitForFunction(() => /runs in [\d.]+ s on one worker/.test(document.querySelector('[data-testid=sweep-status]')?.textContent ?? ''));
  assert.equal(await page.locator('[data-testid=sweep-table] tbody').textContent(), first);
  const { page: again, problems: more } = await openApp(chrome.browser, server.url, { path: url.slice(server.url.length) });
  await done(again);
  assert.equal(await again.locator('[data-testid=sweep-table] tbody').textContent(), first);
  assert.equal(await again.getByTestId('sweep-vary').inputValue(), 'producers[0].arrival.rate_per_s');
  assert.deepEqual([...problems, ...more], []);
});
