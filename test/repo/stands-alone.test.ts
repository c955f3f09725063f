/**
 * The repository stands alone: a maintainer who clones it must be able to follow every comment, test
 * name and document. So no tracked file may cite notes that live outside the repository (design.md,
 * protocols.md, a path that climbs out of the checkout, an absolute path of a build machine) or an
 * issue tracker entry by its bare number ("issue 7", "(#7)", "principle 4"). Cite a section of
 * docs/architecture.md, docs/emulator.md or README.md, or an official provider document by its name,
 * or just state the fact. External trackers stay fine when named in full (owner/repo#123).
 *
 * The check reads `git ls-files` (so untracked build output does not count) and lists every offender
 * as `file:line: text` so that the failure says exactly what to rewrite.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SELF = relative(ROOT, __filename).split(sep).join('/');

/** Files that are data, not prose or code: nothing in them is a citation. */
const SKIP = /(^|\/)package-lock\.json$|\.(png|jpe?g|gif|ico|icns|woff2?|ttf|zip|gz|db|sqlite)$/i;

interface Offence {
  where: string;
  why: string;
}

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f !== '' && f !== SELF && !SKIP.test(f));
}

/** Notes outside the repository, named anywhere (comments, strings, docs). */
const OUTSIDE_NOTES = /\b(design|protocols)\.md\b|shared\/docs\b/i;
/** "issue 7", "issues 3 and 5", "Issue #12", "principle 4", "invariant 2": a number that points nowhere. */
const NUMBERED = /\b(issues?|principles?|invariants?)\s+#?\d+/i;
/** A bare "#7" or "(#12)": an issue number without the tracker it belongs to (owner/repo#7 is fine). */
const BARE_HASH = /(^|[\s([,;])#\d{1,5}\b(?![\w-])/;
/** Absolute paths of a particular machine (tests may use made-up home directories as fixture values). */
const MACHINE_PATH = /(^|[\s'"`(=])\/work\//;
const HOME_PATH = /(^|[\s'"`(=])\/(home\/[a-z][\w-]*|Users\/[A-Za-z][\w-]*)\//;
/** A run of `../` followed by a path: checked below against the repository root. */
const CLIMB = /(?:\.\.\/)+[\w.@-]+/g;

/** The part of a line that is prose: the whole line in docs, comments in code (where `#` means no issue in a string). */
function proseOf(file: string, line: string): string {
  if (/\.(md|txt)$/i.test(file)) return line;
  if (!/\.(c|m)?(t|j)sx?$/.test(file)) return '';
  const trimmed = line.trimStart();
  if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) return line;
  const at = line.indexOf('//');
  if (at > 0 && !/:\/\/$/.test(line.slice(0, at + 2))) return line.slice(at);
  return '';
}

/** Test names: the first string argument of describe/it/test. */
const TEST_NAME = /\b(describe|it|test)(\.\w+)*\(\s*(['"`])(.*?)\3/;

function offencesIn(file: string, text: string): Offence[] {
  const found: Offence[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const where = `${file}:${String(i + 1)}: ${line.trim().slice(0, 160)}`;
    if (OUTSIDE_NOTES.test(line)) found.push({ where, why: 'cites notes outside the repository' });
    if (MACHINE_PATH.test(line) || (HOME_PATH.test(line) && !file.startsWith('test/'))) {
      found.push({ where, why: 'absolute path of a machine' });
    }
    for (const m of line.matchAll(CLIMB)) {
      const target = resolve(dirname(join(ROOT, file)), m[0]);
      if (relative(ROOT, target).startsWith('..')) found.push({ where, why: `path outside the repository (${m[0]})` });
    }
    const prose = proseOf(file, line);
    const name = TEST_NAME.exec(line)?.[4] ?? '';
    for (const part of [prose, name]) {
      if (NUMBERED.test(part)) found.push({ where, why: 'numbered issue/principle reference' });
      else if (BARE_HASH.test(part)) found.push({ where, why: 'bare #number' });
    }
  });
  return found;
}

function allOffences(): Offence[] {
  const found: Offence[] = [];
  for (const file of trackedFiles()) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // listed but absent (a deleted file not yet staged, or a symlink to nowhere)
    }
    if (text.includes('\0')) continue; // binary
    found.push(...offencesIn(file, text));
  }
  return found;
}

describe('the repository stands alone', () => {
  it('the checks catch what they are meant to catch (and leave ordinary code alone)', () => {
    const bad = [
      '// see design.md principle 4',
      ' * protocols.md A3: the byte layout',
      "describe('browser host (issue 7)', () => {",
      '// fixed in #12',
      ' * (principle 2)',
      "import x from '../../../../outside/thing';",
      '// notes in /work/shared/docs',
    ];
    for (const line of bad) expect(offencesIn('src/x/y/z.ts', line), line).not.toEqual([]);
    expect(offencesIn('docs/x.md', '## Refunds (Issue #3)')).not.toEqual([]);
    expect(offencesIn('docs/x.md', 'Fixed in (#12).')).not.toEqual([]);
    const fine = [
      "import { formatFen } from '../../shared/money';",
      "const CSS = 'body{color:#333}';",
      '// reported upstream as localtunnel/localtunnel#724',
      'const issue = parsed.error.issues[0];',
      ' * PEM (PKCS#1 or PKCS#8)',
      "expect(html).toContain('&#60;');",
      '// docs/architecture.md, Invariants: "Record first, act second"',
    ];
    for (const line of fine) expect(offencesIn('src/x/y/z.ts', line), line).toEqual([]);
    expect(offencesIn('README.md', '- PEM (PKCS#1 or PKCS#8); see localtunnel/localtunnel#633')).toEqual([]);
  });

  it('no tracked file cites design.md, protocols.md, paths outside the checkout or issue numbers', () => {
    const offences = allOffences();
    const report = offences.map((o) => `${o.where}  ← ${o.why}`).join('\n');
    expect(offences.length, `rewrite these so they stand alone:\n${report}`).toBe(0);
  });
});
