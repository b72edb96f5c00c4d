// A long-running example (`node examples/NAME.js ...`, requiring 'curlio' through the package's
// own exports, so dist/ must be built) as a real process whose stdout is read line by line.
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

export const examples = path.resolve(__dirname, '../../examples');

export class ExampleProcess {
  readonly child: ChildProcess;
  /** The exit code, or the signal's name if it was killed. */
  readonly exited: Promise<number | string>;
  readonly lines: string[] = [];
  stderr = '';
  private readonly waiters = new Set<() => void>();

  constructor(name: string, args: string[], options: { cwd?: string; uid?: number; gid?: number } = {}) {
    this.child = spawn(process.execPath, [path.join(examples, name), ...args], {
      cwd: options.cwd,
      uid: options.uid,
      gid: options.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      for (const wake of this.waiters) wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    this.exited.then(() => {
      for (const wake of this.waiters) wake();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first line (seen so far or to come) matching `pattern`, as its match. */
  async waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.lines) {
        const match = pattern.exec(line);
        if (match) return match;
      }
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`${path.basename(String(this.child.spawnargs[1]))} exited before printing ${pattern}:\n${this.lines.join('\n')}\n${this.stderr}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line matching ${pattern} in ${timeoutMs} ms:\n${this.lines.join('\n')}\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
