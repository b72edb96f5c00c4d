// Runs ports of curl's examples in one child process (test/ports/run-ports.js) and splits
// what they printed by port. The servers run in the test's process: the ports block their
// own thread (curl_easy_perform, curl_multi_poll) as the C programs do.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface PortJob {
  name: string;
  args: string[];
  cwd?: string;
}

export interface PortResult {
  /** main()'s return value, as printed ('undefined' when it returned nothing). */
  code: string;
  stdout: string;
  stderr: string;
}

function split(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const re = /\n@@@ start (\S+)\n([\s\S]*?)\n@@@ end \1( \S+)?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) sections.set(m[1], m[2] + (m[3] ? `\n@@@code${m[3]}` : ''));
  return sections;
}

export function runPorts(jobs: PortJob[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Map<string, PortResult>> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'run-ports.js'), JSON.stringify(jobs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`run-ports exited with ${code ?? signal}\n${stdout}\n${stderr}`));
      const out = split(stdout);
      const err = split(stderr);
      const results = new Map<string, PortResult>();
      for (const { name } of jobs) {
        const section = out.get(name);
        if (section === undefined) return reject(new Error(`${name} printed no end marker\n${stdout}\n${stderr}`));
        const [body, codeLine] = section.split('\n@@@code ');
        results.set(name, { code: codeLine ?? '', stdout: body, stderr: err.get(name) ?? '' });
      }
      resolve(results);
    });
  });
}
