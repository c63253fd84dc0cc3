// Trunk post-build hook (via post-build.sh): writes each lesson's body to
// <staging dir>/lessons/<id>.json, minified and without what only the tests
// read (expectations and figures). The app embeds only the lesson index
// (build.rs) and fetches a body when its lesson is opened.
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const staging = process.argv[2];
if (!staging) throw new Error('usage: node lessons-dist.mjs STAGING_DIR');
const source = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'lessons', 'data');
const out = join(staging, 'lessons');
mkdirSync(out, { recursive: true });
for (const file of readdirSync(source).filter((f) => f.endsWith('.json')).sort()) {
  const text = readFileSync(join(source, file), 'utf8');
  // JavaScript numbers are doubles: an integer past 2^53 (a 64-bit seed)
  // would change on the way through. None is in a lesson; stop if one is.
  if (/[^0-9.]\d{16,}/.test(text)) throw new Error(`${file}: an integer too long to pass through JSON.parse exactly`);
  const lesson = JSON.parse(text);
  delete lesson.expect;
  delete lesson.figures;
  writeFileSync(join(out, `${lesson.id}.json`), JSON.stringify(lesson));
}
