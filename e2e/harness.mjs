// Shared e2e plumbing: serve dist/ on a free loopback port, launch Debian's
// Chromium through playwright-core, and collect artifacts.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';

const ROOT = resolve(import.meta.dirname, '..');
export const DIST = resolve(ROOT, process.env.MSGSIM_DIST ?? 'dist');
export const ARTIFACTS = resolve(ROOT, 'e2e/artifacts');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves `DIST` on 127.0.0.1 at a free port; resolves to { url, close }. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * Launches headless Chromium; playwright gives every launch a fresh temporary
 * profile. Resolves to { browser, close }.
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--disable-sync',
    ],
  });
  return { browser, close: () => browser.close() };
}

/**
 * Opens the app in a new page and fails on any page error, console error,
 * Content-Security-Policy violation, or request that leaves the local server
 * (the app must work offline).
 */
export async function openApp(browser, baseUrl, { path = '', viewport = { width: 1280, height: 720 }, locale = 'en-US', context: given } = {}) {
  const context = given ?? await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  await page.exposeFunction('__msgsimCspViolation', (v) => problems.push(`CSP violation: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__msgsimCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) {
      problems.push(`network request outside the app: ${r.url()}`);
    }
  });
  await page.goto(baseUrl + path);
  return { page, context, problems };
}

/** Saves a screenshot under e2e/artifacts/. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** The native CLI's report for a preset (the browser must agree with it). */
export function nativeReport(preset, seed) {
  const bin = resolve(import.meta.dirname, '../target/debug/msgsim');
  const args = ['run', '--preset', preset];
  if (seed !== undefined) args.push('--seed', String(seed));
  return JSON.parse(execFileSync(bin, args).toString());
}

/** Waits until the run is fully computed (the verdict is in). */
export async function waitForVerdict(page) {
  await page.waitForSelector('[data-testid=verdict]:not([data-verdict=pending])');
  return page.getByTestId('verdict').getAttribute('data-verdict');
}

/** In a lesson (predict first): presses Reveal, then waits for the verdict. */
/** Opens a lesson from the list and waits until it has loaded (its body is
 * fetched when it is first opened). */
export async function openLesson(page, id) {
  await page.locator(`[data-lesson=${id}]`).click();
  await page.getByTestId('lesson-title').waitFor();
}

export async function revealVerdict(page) {
  await page.getByTestId('reveal-outcome').click();
  return waitForVerdict(page);
}

/** Moves the timeline to `ms` as a user dragging the slider would. */
export async function seek(page, ms) {
  await page.getByTestId('timeline').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

/** A counter's value at the end of the run (the counters follow the playback). */
export async function counter(page, id) {
  await seek(page, 1e9);
  return (await page.getByTestId(id).textContent()).trim();
}

/** The displayed time in ms, from the clock text. */
export async function clockMs(page) {
  return parseFloat(await page.getByTestId('clock').textContent());
}

/** Pixels of `rgb` on the canvas `testid`, in CSS px, or [] (reads what is drawn). */
export async function findColor(page, testid, rgb, tolerance = 6) {
  return page.getByTestId(testid).evaluate((canvas, [r, g, b, tol]) => {
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    const data = ctx.getImageData(0, 0, width, height).data;
    const scale = width / canvas.clientWidth;
    const hits = [];
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const i = (y * width + x) * 4;
        if (Math.abs(data[i] - r) <= tol && Math.abs(data[i + 1] - g) <= tol && Math.abs(data[i + 2] - b) <= tol) {
          hits.push([x / scale, y / scale]);
        }
      }
    }
    return hits;
  }, [...rgb, tolerance]);
}

/** The text of a download (Playwright download object). */
export async function downloadText(download) {
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The page's trace of what it shows, as CSV bytes (the Files tab's export). */
export async function pageTraceCsv(page) {
  await page.getByRole('tab', { name: 'Files' }).click();
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  return downloadText(d);
}

/** Opens `preset` at `seed` in a page of its own and checks that the page
 * traces it byte for byte as `msgsim run --trace` does, with no problem on
 * the page. */
export async function checkTracesAsCli(browser, url, preset, seed) {
  const { page, problems } = await openApp(browser, url, { path: `#v=1&p=${preset}&seed=${seed}` });
  await waitForVerdict(page);
  const same = (await pageTraceCsv(page)).equals(nativeTraceCsv(preset, seed));
  await page.close();
  if (!same) throw new Error(`the page traces ${preset} (seed ${seed}) otherwise than \`msgsim run --trace\``);
  if (problems.length) throw new Error(`problems on the page: ${problems.join('; ')}`);
}

/** The native CLI's trace for a preset, as CSV bytes. */
export function nativeTraceCsv(preset, seed) {
  const bin = resolve(import.meta.dirname, '../target/debug/msgsim');
  const out = resolve(import.meta.dirname, `../target/e2e-${preset}-${seed}.csv`);
  execFileSync(bin, ['run', '--preset', preset, '--seed', String(seed), '--trace', out]);
  return readFileSync(out);
}
