// Trunk post-build step: moves the inline module script Trunk writes into
// index.html (it loads the wasm) into a file of its own, so the page's
// Content-Security-Policy can forbid inline script entirely.
//   node scripts/externalize-start.mjs STAGING_DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.argv[2];
const file = join(dir, 'index.html');
const html = readFileSync(file, 'utf8');
const inline = /<script type="?module"?>([\s\S]*?)<\/script>/g;
const found = [...html.matchAll(inline)];
if (found.length !== 1) {
  console.error(`externalize-start: expected one inline module script in index.html, found ${found.length}`);
  process.exit(1);
}
const code = found[0][1];
const name = `start-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
writeFileSync(join(dir, name), code);
writeFileSync(file, html.replace(found[0][0], `<script type="module" src="./${name}"></script>`));
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(readFileSync(file, 'utf8'))) {
  console.error('externalize-start: an inline script is left in index.html');
  process.exit(1);
}
