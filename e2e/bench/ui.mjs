// Browser benchmark (not a test), on the release build: first contentful
// paint and app ready; the standard and log-broker engine benchmarks run in the page (tracing off, after a
// warm-up); frame times with many messages in flight; seek latency in a ~1M-
// event run; the longest main-thread task while a long run is computed.
// Prints one JSON object. Usage:
//   node e2e/bench/ui.mjs [--smoke]
// --smoke runs tiny sizes, only to keep the benchmark working.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { serveDist, launch, openApp, waitForVerdict, seek } from '../harness.mjs';

const smoke = process.argv.includes('--smoke');
const STANDARD = readFileSync(resolve(import.meta.dirname, '../../bench/standard.json'), 'utf8');
const LOG = readFileSync(resolve(import.meta.dirname, '../../bench/log.json'), 'utf8');
const server = await serveDist();
const chrome = await launch();

async function edit(page, path, value) {
  if (!(await page.locator('[data-testid=editor]').isVisible())) {
    await page.getByRole('tab', { name: 'Scenario' }).click();
  }
  const el = page.locator(`[data-path="${path}"]`);
  if ((await el.evaluate((e) => e.tagName)) === 'SELECT') {
    await el.selectOption(value);
  } else {
    await el.fill(String(value));
    await el.press('Enter');
  }
}

/**
 * Starts counting the page's main-thread tasks over 50 ms afresh; the
 * function returned gives how many came since, and the longest (ms).
 */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    if (!window.__longTaskObserver) {
      window.__longTaskObserver = new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__longTasks.push(e.duration);
      });
      window.__longTaskObserver.observe({ type: 'longtask', buffered: false });
    }
  });
  return async () => {
    const tasks = await page.evaluate(() => window.__longTasks);
    return { count: tasks.length, longest: tasks.length ? +Math.max(...tasks).toFixed(1) : 0 };
  };
}

/** A page running `reliable-queue` edited so that `n` messages are on one link at once. */
async function inFlightPage(n) {
  const { page, problems } = await openApp(chrome.browser, server.url, { viewport: { width: 1280, height: 720 } });
  await page.getByTestId('preset').selectOption('reliable-queue');
  await waitForVerdict(page);
  await edit(page, 'producers[0].arrival.kind', 'bursts');
  await edit(page, 'producers[0].arrival.size', n);
  await edit(page, 'producers[0].arrival.every_ms', 10000);
  await edit(page, 'producers[0].messages', n);
  await edit(page, 'network.default.latency.kind', 'uniform');
  await edit(page, 'network.default.latency.min_ms', 2000);
  await edit(page, 'network.default.latency.max_ms', 3000);
  await waitForVerdict(page);
  return { page, problems };
}

/** Frame times (ms) over `frames` animation frames while playing. */
async function frameTimes(page, frames) {
  return page.evaluate((frames) => new Promise((done) => {
    const times = [];
    let last = performance.now();
    function tick(now) {
      times.push(now - last);
      last = now;
      if (times.length < frames) requestAnimationFrame(tick); else done(times.slice(5));
    }
    requestAnimationFrame(tick);
  }), frames);
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median_ms: +q(0.5).toFixed(2), p95_ms: +q(0.95).toFixed(2), max_ms: +s[s.length - 1].toFixed(2), fps_median: +(1000 / q(0.5)).toFixed(1) };
}

const result = { smoke, start: {}, engine: {}, engine_log: {}, animation: {}, seek: {}, responsiveness: {} };

// First contentful paint (the static loading shell) and app ready (the app's
// first render done, marked "msgsim:ready"), from cold page loads: medians of five.
{
  const fcps = [];
  const ready = [];
  for (let i = 0; i < 5; i += 1) {
    const { page } = await openApp(chrome.browser, server.url);
    await waitForVerdict(page);
    const t = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
      ready: performance.getEntriesByName('msgsim:ready')[0]?.startTime ?? -1,
    }));
    fcps.push(t.fcp);
    ready.push(t.ready);
    await page.context().close();
  }
  const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[2]);
  result.start.first_contentful_paint_ms = median(fcps);
  result.start.app_ready_ms = median(ready);
}

// The standard and the log engine benchmarks in the page: a warm-up, then
// the best of five.
{
  const { page } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  const scale = smoke ? 0.01 : 1.0;
  for (const [key, json] of [['engine', STANDARD], ['engine_log', LOG]]) {
    // The benchmark is exported by the on-demand module (the page carries none).
    const run = () => page.evaluate(async ([j, s]) => {
      const m = await import(new URL('msgsim-sweep.js', document.baseURI));
      await m.default({ module_or_path: new URL('msgsim-sweep_bg.wasm', document.baseURI) });
      return JSON.parse(m.bench(j, 1n, s));
    }, [json, scale]);
    await run();
    const runs = [];
    for (let i = 0; i < (smoke ? 2 : 5); i += 1) runs.push(await run());
    const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    result[key] = {
      messages: best.report.produced,
      events: best.events,
      seconds: +best.seconds.toFixed(3),
      events_per_second: Math.round(best.events / best.seconds),
      verdict: best.report.verdict,
    };
  }
  await page.context().close();
}

for (const n of smoke ? [100] : [1000, 10000, 50000]) {
  const { page } = await inFlightPage(n);
  await seek(page, 1500); // everything produced at 0 is on the link from 2000 to 3000 ms
  await page.getByTestId('speed').selectOption('0.01');
  await page.getByTestId('play').click();
  const inFlight = parseInt(await page.getByTestId('c-in-flight').textContent(), 10);
  const t = stats(await frameTimes(page, smoke ? 30 : 240));
  // Click pause while playing: how long until the button says Play?
  const response = await page.evaluate(() => new Promise((done) => {
    const button = document.querySelector('[data-testid=play]');
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (button.textContent.includes('Play')) { obs.disconnect(); done(performance.now() - t0); }
    });
    obs.observe(button, { childList: true, subtree: true, characterData: true });
    button.click();
  }));
  result.animation[n] = { in_flight: inFlight, ...t };
  result.responsiveness[`pause_click_ms_with_${n}`] = +response.toFixed(2);
  await page.context().close();
}

// A long run: about a million events.
{
  const n = smoke ? 2000 : 100000;
  const { page } = await openApp(chrome.browser, server.url, { viewport: { width: 1280, height: 720 } });
  await page.getByTestId('preset').selectOption('reliable-queue');
  await waitForVerdict(page);
  // Opening the editor loads the on-demand module (its first use in the
  // page): measured on its own, so the run below counts only the run.
  const editorTasks = await watchLongTasks(page);
  await page.getByRole('tab', { name: 'Scenario' }).click();
  await page.locator('[data-path="producers[0].messages"]').waitFor();
  // The tasks of the same frame are reported after it.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 100))));
  result.responsiveness.editor_open_longest_task_ms = (await editorTasks()).longest;
  const runTasks = await watchLongTasks(page);
  const t0 = Date.now();
  await edit(page, 'producers[0].arrival.kind', 'fixed');
  await edit(page, 'producers[0].arrival.interval_ms', 0.5);
  await edit(page, 'consumers[0].processing.kind', 'exponential');
  await edit(page, 'consumers[0].processing.mean_ms', 0.3);
  await edit(page, 'producers[0].messages', n);
  await waitForVerdict(page);
  const computeMs = Date.now() - t0;
  const events = parseInt((await page.getByTestId('event-count').textContent()).match(/of (\d+)/)[1], 10);
  const longTasks = await runTasks();
  const horizon = parseFloat(await page.getByTestId('timeline').getAttribute('max'));
  const seeks = [];
  for (let k = 0; k < (smoke ? 3 : 20); k += 1) {
    const target = ((k * 7919) % 1000) / 1000 * horizon;
    const ms = await page.getByTestId('timeline').evaluate((el, v) => new Promise((done) => {
      const t0 = performance.now();
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      // The app's frame callback was registered first, so when this one runs
      // the seek has been handled and the new moment drawn.
      requestAnimationFrame(() => done(performance.now() - t0));
    }), target);
    seeks.push(ms);
  }
  result.seek = { events, ...stats(seeks) };
  result.responsiveness.long_run_compute_ms = computeMs;
  result.responsiveness.long_tasks_over_50ms = longTasks.count;
  result.responsiveness.longest_task_ms = longTasks.longest;
  await page.context().close();
}

// A sweep in the page: the CLI benchmark's sweep (bench/sweep.json, 20 loss
// probabilities × 20 seeds of a 10,000-message scenario) on one worker, then
// on as many as the browser reports cores (at least 2); the two CSVs must be
// the same bytes. Also the longest main-thread task while it runs.
{
  const { page } = await openApp(chrome.browser, server.url, { viewport: { width: 1280, height: 900 } });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Files' }).click();
  await page.getByTestId('import').setInputFiles({
    name: 'sweep.json', mimeType: 'application/json',
    buffer: readFileSync(resolve(import.meta.dirname, '../../bench/sweep.json')),
  });
  await waitForVerdict(page);
  await page.getByRole('tab', { name: 'Sweep' }).click();
  const cores = await page.evaluate(() => Math.max(2, navigator.hardwareConcurrency || 2));
  const form = { vary: 'network.default.loss', from: '0', to: '0.1', steps: smoke ? '3' : '20', seeds: smoke ? '2' : '20', figures: 'never_applied, latency.p99' };
  for (const [id, v] of Object.entries(form)) await page.getByTestId(`sweep-${id}`).fill(v);
  const timed = async (workers) => {
    await page.getByTestId('sweep-workers').fill(String(workers));
    const sweepTasks = await watchLongTasks(page);
    const t0 = Date.now();
    await page.getByTestId('sweep-run').click();
    await page.waitForFunction(() => /runs in/.test(document.querySelector('[data-testid=sweep-status]')?.textContent ?? ''), null, { timeout: 600_000 });
    const seconds = (Date.now() - t0) / 1000;
    const tasks = await sweepTasks();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sweep-export-csv').click()]);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    return { seconds, csv: Buffer.concat(chunks).toString('utf8'), longest_task_ms: tasks.longest };
  };
  // Alternating, best of two each (this machine's speed drifts).
  const rounds = [];
  for (let k = 0; k < (smoke ? 1 : 2); k += 1) rounds.push([await timed(1), await timed(cores)]);
  const best = (i) => rounds.map((r) => r[i]).reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const [one, all] = [best(0), best(1)];
  if (rounds.some(([a, b]) => a.csv !== one.csv || b.csv !== one.csv)) throw new Error('the sweep on one worker and on all differ');
  const longest = Math.max(...rounds.flat().map((r) => r.longest_task_ms));
  const runs = Number(form.steps) * Number(form.seeds);
  result.sweep = {
    runs, workers: cores, one_worker_s: +one.seconds.toFixed(3), all_workers_s: +all.seconds.toFixed(3),
    speedup: +(one.seconds / all.seconds).toFixed(2), longest_task_ms: longest,
  };
  await page.context().close();
}

console.log(JSON.stringify(result, null, 2));
await chrome.close();
await server.close();
