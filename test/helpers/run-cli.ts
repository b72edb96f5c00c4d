// Runs the curlio command from its TypeScript sources (lib/cli/main.ts), as a user runs it.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
export const CLI = [process.execPath, '-r', path.join(root, 'test/helpers/gio-ts-register.js'), path.join(root, 'lib/cli/main.ts')];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return runCommand(CLI[0], [...CLI.slice(1), ...args], options);
}

export function runCommand(file: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd ?? root, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A shell word for `script -c`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
