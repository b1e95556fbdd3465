#!/usr/bin/env node
/**
 * `stampctl`: the operators' command line for the stamp control plane (package.json `bin`).
 * The shebang above survives `tsc`, which keeps a leading `#!` line in the emitted file.
 *
 * @example
 *   stampctl ls --region westeurope
 *   stampctl drain eus-002 --reason maintenance --minutes 10
 */
import { runCli } from './main';

const abort = new AbortController();
// The first Ctrl-C stops `watch` cleanly; a second one exits at once, as a user expects.
process.once('SIGINT', () => {
  abort.abort();
  process.once('SIGINT', () => process.exit(130));
});

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  signal: abort.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `stampctl: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
