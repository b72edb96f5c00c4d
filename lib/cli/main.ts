#!/usr/bin/env node
// The `curlio` command: versions, parallel downloads and a quick benchmark, on curlio itself.
import { parseArgs } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { versionText } from './version';

const HELP = `Usage: curlio <command> [options]

Commands:
  get [--parallel N] [-o DIR] URL...   download URLs, N at a time (default 4), into DIR
                                       (default: the current directory); progress bars
                                       on a terminal, one line per file otherwise
  bench [--url URL] [--connections C] [--requests N] [--rounds R] [--http2]
        [--cacert FILE] [-k]            requests/s and latency percentiles of curlio
                                       (default: 10 connections, 10000 requests, against a
                                       local server it starts, HTTPS for --http2), and of
                                       undici side by side when it is installed, the two
                                       taking turns over R rounds (default 4); --cacert
                                       trusts FILE's CAs for --url, -k (--insecure) any
                                       certificate; progress on stderr

Options:
  -h, --help      show this help
  -v, --version   show the versions of curlio, libcurl and GLib

Exit status: 0 on success, 1 when a transfer failed, 2 on wrong usage.
`;

class UsageError extends Error {}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`Expected a positive integer for ${name} but received ${JSON.stringify(value)}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    case '-v':
    case '--version':
      process.stdout.write(versionText());
      return 0;
    case 'get': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { parallel: { type: 'string', short: 'p' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      });
      if (values.help) {
        process.stdout.write(HELP);
        return 0;
      }
      if (positionals.length === 0) throw new UsageError('get needs at least one URL');
      const { get } = await import('./get');
      return get({
        urls: positionals,
        parallel: positiveInteger(values.parallel, '--parallel', 4),
        outputDir: path.resolve(values.output ?? '.'),
        out: process.stdout,
        err: process.stderr,
      });
    }
    case 'bench': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: false,
        options: {
          url: { type: 'string' },
          connections: { type: 'string', short: 'c' },
          requests: { type: 'string', short: 'n' },
          http2: { type: 'boolean' },
          rounds: { type: 'string' },
          cacert: { type: 'string' },
          insecure: { type: 'boolean', short: 'k' },
          help: { type: 'boolean', short: 'h' },
        },
      });
      if (values.help || positionals.length > 0) {
        process.stdout.write(HELP);
        return values.help ? 0 : 2;
      }
      if (values.url !== undefined && !/^https?:\/\//.test(values.url)) throw new UsageError(`Expected an http:// or https:// URL for --url but received ${JSON.stringify(values.url)}`);
      // HTTP/2 is negotiated in the TLS handshake (ALPN), so it needs https.
      if (values.http2 && values.url !== undefined && !values.url.startsWith('https://')) throw new UsageError('--http2 needs an https:// URL (HTTP/2 is negotiated with TLS ALPN)');
      if (values.cacert !== undefined && !fs.existsSync(values.cacert)) throw new UsageError(`--cacert ${JSON.stringify(values.cacert)}: no such file`);
      const { bench } = await import('./bench');
      return bench({
        url: values.url,
        connections: positiveInteger(values.connections, '--connections', 10),
        requests: positiveInteger(values.requests, '--requests', 10000),
        http2: values.http2 ?? false,
        rounds: positiveInteger(values.rounds, '--rounds', 4),
        cacert: values.cacert,
        insecure: values.insecure ?? false,
        out: process.stdout,
        err: process.stderr,
      });
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // parseArgs' own errors (unknown option, missing value) are usage errors too.
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`curlio: ${(error as Error).message}\n${usage ? "Try 'curlio --help'.\n" : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
