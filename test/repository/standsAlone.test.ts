/**
 * The repository stands on its own: a newcomer's clone has only what is in it, so nothing in the
 * code, tests or docs may send a reader to design notes kept outside it, and the architecture
 * document the README promises exists.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'coverage']);

function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path));
    else if (/\.(ts|mjs|cjs|js|md|bicep|json|html|yaml)$/.test(name)) found.push(path);
  }
  return found;
}

// Built from parts, so that this file does not name what it looks for.
const OUTSIDE_DOCS = ['DESIGN', 'STYLE', 'AZURE-FACTS', 'SEED-ephemeral'].map((name) => `${name}${'.'}md`);
const OUTSIDE_FOLDER = new RegExp(`\\.\\./${'shared'}/[A-Z]`);
const SHORT_CITATIONS = /\b(DESIGN|STYLE|AZURE-FACTS)( section| practice|\.md)/;

describe('the repository stands on its own', () => {
  const files = ['functions', 'shared', 'test', 'infra', 'docs', 'bench']
    .map((dir) => join(ROOT, dir))
    .flatMap(filesUnder)
    .concat([join(ROOT, 'README.md')]);

  it('no file cites the design notes kept outside the repository', () => {
    assert.ok(files.length > 300, `files read: ${files.length}`);
    const citing = files.filter((path) => {
      const text = readFileSync(path, 'utf8');
      return (
        OUTSIDE_DOCS.some((doc) => text.includes(doc)) ||
        OUTSIDE_FOLDER.test(text) ||
        SHORT_CITATIONS.test(text)
      );
    });
    assert.deepEqual(
      citing.map((path) => relative(ROOT, path)),
      [],
    );
  });

  it('docs/architecture.md exists, the README links it, and its sections cited in code exist', () => {
    const architecture = join(ROOT, 'docs', 'architecture.md');
    assert.ok(existsSync(architecture));
    assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /\]\(docs\/architecture\.md\)/);
    const sections = new Set(
      [...readFileSync(architecture, 'utf8').matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1])),
    );
    const azure = new Set(
      [...readFileSync(join(ROOT, 'docs', 'azure.md'), 'utf8').matchAll(/^## (\d+)\. /gm)].map((m) =>
        Number(m[1]),
      ),
    );
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/docs\/architecture\.md §(\d+)/g))
        assert.ok(sections.has(Number(m[1])), `${relative(ROOT, path)} cites architecture §${m[1]}`);
      for (const m of text.matchAll(/docs\/azure\.md §(\d+)/g))
        assert.ok(azure.has(Number(m[1])), `${relative(ROOT, path)} cites azure §${m[1]}`);
    }
  });
});
