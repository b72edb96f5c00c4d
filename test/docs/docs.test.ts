// `npm run docs` builds the API reference (TypeDoc, typedoc.json) with --treatWarningsAsErrors:
// a TSDoc comment that breaks (an unresolved {@link}, an @param naming no parameter, a public
// signature using a type that is not exported) fails this test instead of rotting silently.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

// TypeDoc takes about 10 s here; the limit leaves room for a loaded two-core machine.
const DOCS_TIMEOUT_MS = 120_000;

test(
  'npm run docs builds the API reference for curlio and curlio/libcurl with no warnings',
  async () => {
    // The same command a user runs, written to a scratch directory so a concurrent `npm run docs`
    // in the checkout is not disturbed.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-docs-'));
    try {
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      const result = await new Promise<{ code: number | string | null; output: string }>((resolve) => {
        execFile(
          npm,
          ['run', 'docs', '--', '--out', out],
          { cwd: root, encoding: 'utf8', timeout: DOCS_TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
          (error, stdout, stderr) => {
            // TypeDoc colours its log levels unless told not to; strip what is left.
            const output = `${stdout}\n${stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
            resolve({ code: error ? (error.code ?? error.signal ?? 1) : 0, output });
          },
        );
      });
      const problems = result.output.split('\n').filter((line) => /\[(warning|error)\]/.test(line));
      expect(problems).toEqual([]);
      expect(result.code).toBe(0);
      expect(result.output).toContain('html generated at');
      // Both entry points are documented under their import names.
      const modules = fs.readdirSync(path.join(out, 'modules'));
      expect(modules).toEqual(expect.arrayContaining(['curlio.html', 'curlio_libcurl.html']));
      expect(fs.readdirSync(path.join(out, 'classes'))).toEqual(
        expect.arrayContaining([expect.stringMatching(/\.Session\.html$/), expect.stringMatching(/\.UnixConnection\.html$/), expect.stringMatching(/\.Multi\.html$/)]),
      );
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  },
  DOCS_TIMEOUT_MS + 30_000,
);
