// Runs one stress scenario script in its own Node process against the test server, and
// hands back how it ended plus the figures it printed (`figures {json}` lines).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface ScenarioResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  figures: Record<string, unknown>;
  ms: number;
}

export function runScenario(script: string, args: string[], flags: string[] = [], timeout = 90000): ScenarioResult {
  const started = Date.now();
  const child = spawnSync(process.execPath, [...flags, path.join(__dirname, '../helpers', script), ...args], { encoding: 'utf8', timeout });
  const stdout = child.stdout.trim();
  const figures: Record<string, unknown> = {};
  for (const line of stdout.split('\n')) if (line.startsWith('figures ')) Object.assign(figures, JSON.parse(line.slice(8)));
  return { status: child.status, signal: child.signal, stdout, stderr: child.stderr, figures, ms: Date.now() - started };
}

/** The scenario ended with `status` and printed `ok` last; otherwise everything it said. */
export function expectOutcome(name: string, result: ScenarioResult, status = 0): void {
  console.log(`${name}: ${result.ms} ms ${JSON.stringify(result.figures)}`);
  const last = result.stdout.split('\n').pop();
  if (result.status !== status || result.signal !== null || last !== 'ok') {
    throw new Error(`${name} ended with ${JSON.stringify({ status: result.status, signal: result.signal })}\n${result.stdout}\n${result.stderr}`);
  }
}
