// The projector layout: at 1280×720 and 1920×1080, in English and Chinese
// (real CJK glyphs: scripts/setup.sh installs fonts-noto-cjk), in normal and
// large text, no text on the page is clipped, cut off or overlapping, the
// toolbar stays on one line, and an open lesson's question is on screen
// without scrolling. (Canvas labels are checked natively: canvas_text.rs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openApp, waitForVerdict, screenshot } from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

/**
 * Every text on the page that is clipped (cut by an ancestor that does not
 * scroll, ellipsised, or wider than a scrolling panel), off the sides of the
 * window, or overlapping another text. Returns lines describing each.
 */
async function textProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const W = window.innerWidth;
    const H = window.innerHeight;
    const name = (el) => {
      const id = el.closest('[data-testid]')?.dataset.testid;
      return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''}${id ? ` in [${id}]` : ''}`;
    };
    const overflowOf = (el) => {
      const s = getComputedStyle(el);
      return [s.overflowX, s.overflowY];
    };
    const visible = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      const el = n.parentElement;
      if (!text || !el || el.closest('option, script, style, .sr-only, [aria-hidden=true]')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || el.offsetParent === null && style.position !== 'fixed') continue;
      // An element that cuts its own text short.
      if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`ellipsised: "${text.slice(0, 40)}" (${name(el)})`);
      }
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        if (r.width < 1 || r.height < 1) continue;
        let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
        let shown = true;
        for (let a = el; a && a !== document.body; a = a.parentElement) {
          const [ox, oy] = overflowOf(a);
          if (ox === 'visible' && oy === 'visible') continue;
          const c = a.getBoundingClientRect();
          const inner = { l: c.left + a.clientLeft, t: c.top + a.clientTop, r: c.left + a.clientLeft + a.clientWidth, b: c.top + a.clientTop + a.clientHeight };
          const scrollsY = oy === 'auto' || oy === 'scroll';
          const outX = box.l < inner.l - 1 || box.r > inner.r + 1;
          const cutY = (box.t < inner.t - 1 && box.b > inner.t + 1) || (box.t < inner.b - 1 && box.b > inner.b + 1);
          if (outX) problems.push(`cut at the side: "${text.slice(0, 40)}" (${name(el)}) by ${name(a)}`);
          if (cutY && !scrollsY) problems.push(`cut at top/bottom: "${text.slice(0, 40)}" (${name(el)}) by ${name(a)}`);
          // What a scrolling panel hides is not on screen now (it can be scrolled to).
          box = { l: Math.max(box.l, inner.l), t: Math.max(box.t, inner.t), r: Math.min(box.r, inner.r), b: Math.min(box.b, inner.b) };
          if (box.r - box.l < 1 || box.b - box.t < 1) { shown = false; break; }
        }
        if (!shown) continue;
        if (box.l < -1 || box.r > W + 1) problems.push(`off the window: "${text.slice(0, 40)}" (${name(el)})`);
        if (box.t > H) continue;
        visible.push({ text, el, box });
      }
    }
    for (let i = 0; i < visible.length; i += 1) {
      for (let j = i + 1; j < visible.length; j += 1) {
        const a = visible[i], b = visible[j];
        if (a.el === b.el) continue;
        const ox = Math.min(a.box.r, b.box.r) - Math.max(a.box.l, b.box.l);
        const oy = Math.min(a.box.b, b.box.b) - Math.max(a.box.t, b.box.t);
        if (ox > 2 && oy > 2) problems.push(`overlap: "${a.text.slice(0, 30)}" (${name(a.el)}) and "${b.text.slice(0, 30)}" (${name(b.el)})`);
      }
    }
    // The toolbar is one line: every control's top within a few px of the first.
    const items = [...document.querySelectorAll('.toolbar > *')].map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0);
    const lowestTop = Math.max(...items.map((r) => r.top));
    if (lowestTop >= Math.min(...items.map((r) => r.bottom))) problems.push('the toolbar wraps onto a second line');
    return [...new Set(problems)];
  });
}

async function questionOnScreen(page) {
  const r = await page.getByTestId('lesson-question').boundingBox();
  const vp = page.viewportSize();
  return r && r.y >= 0 && r.y + r.height <= vp.height && r.x >= 0 && r.x + r.width <= vp.width;
}

const VIEWPORTS = [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }];

for (const viewport of VIEWPORTS) {
  for (const locale of ['en-US', 'zh-CN']) {
    test(`no clipped or overlapping text at ${viewport.width}×${viewport.height}, ${locale}, normal and large text`, async () => {
      const { page, problems } = await openApp(chrome.browser, server.url, { viewport, locale });
      await waitForVerdict(page);
      const found = [];
      const look = async (what) => {
        for (const p of await textProblems(page)) found.push(`${what}: ${p}`);
      };
      for (const large of [false, true]) {
        const size = large ? 'large' : 'normal';
        if (large) await page.getByTestId('large-text').click();
        await look(`${size}, lesson list`);
        for (const lesson of ['backoff-and-jitter', 'more-consumers', 'idempotency']) {
          await page.locator(`[data-lesson=${lesson}]`).click();
          await page.getByTestId('lesson-question').waitFor();
          assert.ok(await questionOnScreen(page), `${size}, ${lesson}: the question is on screen without scrolling`);
          await look(`${size}, ${lesson} (outcome hidden)`);
          await page.getByTestId('reveal-outcome').click();
          await waitForVerdict(page);
          await look(`${size}, ${lesson} (revealed)`);
          await page.getByTestId('lesson-compare-0').click();
          await page.getByTestId('reveal-outcome').click();
          await page.locator('div[data-testid=compare] table').waitFor();
          await look(`${size}, ${lesson} side by side`);
          assert.equal(await page.getByTestId('pane-verdict').count(), 2, 'both panes say their verdict');
          await page.getByRole('button', { name: /All lessons|全部课时/ }).click();
        }
        await page.getByRole('tab', { name: /Event log|事件日志/ }).click();
        await page.getByTestId('log-row').first().waitFor();
        await look(`${size}, event log`);
        await page.getByRole('tab', { name: /Scenario|场景编辑/ }).click();
        await page.getByTestId('editor').waitFor();
        await look(`${size}, editor`);
        // The editor (drawn by the on-demand module) scrolls in its panel:
        // the page itself does not grow.
        assert.ok(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1),
          `${size}: the page grew with the editor`);
        await page.getByRole('tab', { name: /Lessons|课时/ }).click();
        await screenshot(page, `layout-${viewport.width}-${locale}-${size}`);
      }
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
    });
  }
}

test('the layout check catches clipped, ellipsised and overlapping text', async () => {
  const { page } = await openApp(chrome.browser, server.url);
  await waitForVerdict(page);
  assert.deepEqual(await textProblems(page), [], 'a clean page first');
  await page.evaluate(() => {
    const add = (css, text, parent = document.body) => {
      const el = document.createElement('span');
      Object.assign(el.style, css);
      el.textContent = text;
      parent.appendChild(el);
      return el;
    };
    add({ position: 'fixed', left: '300px', top: '300px', font: '16px sans-serif' }, 'first label');
    add({ position: 'fixed', left: '310px', top: '302px', font: '16px sans-serif' }, 'second label');
    const box = add({ position: 'fixed', left: '600px', top: '400px', width: '40px', overflow: 'hidden', display: 'block', whiteSpace: 'nowrap' }, '');
    add({}, 'a long text cut by its box', box);
    add({ position: 'fixed', left: '700px', top: '500px', width: '40px', overflow: 'hidden', display: 'block', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }, 'shortened with dots');
  });
  const found = (await textProblems(page)).join('\n');
  assert.match(found, /overlap: "first label".*"second label"/);
  assert.match(found, /cut at the side: "a long text cut by its box"/);
  assert.match(found, /ellipsised: "shortened with dots"/);
});
