// The page loads offline, and Run runs the demo scenario in WebAssembly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { serveDist, launch, openApp, screenshot } from './harness.mjs';

let server, chrome;
before(async () => { server = await serveDist(); chrome = await launch(); });
after(async () => { await chrome?.close(); await server?.close(); });

/** The report the native CLI gives for the same preset and seed. */
function nativeReport(preset) {
  const bin = resolve(import.meta.dirname, '../target/debug/msgsim');
  return JSON.parse(execFileSync(bin, ['run', '--preset', preset]).toString());
}

test('Run shows the same counts as the native engine', async () => {
  const { page, problems } = await openApp(chrome.browser, server.url);
  await page.getByTestId('run').click();
  const counts = page.getByTestId('counts');
  await counts.waitFor();
  const want = nativeReport('lossy-fire-and-forget');
  assert.equal(await page.getByTestId('sent').textContent(), String(want.sent));
  assert.equal(await page.getByTestId('lost').textContent(), String(want.lost_in_transit));
  assert.equal(await page.getByTestId('delivered').textContent(), String(want.delivered));
  assert.ok(want.lost_in_transit > 0, 'the demo loses messages');
  await screenshot(page, 'landing');
  assert.deepEqual(problems, []);
});
