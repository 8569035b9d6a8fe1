/** The `virtlab` command line. Errors a user can fix print one line and exit 2. */
import { runCommand } from './run.ts';
import { UsageError, RUN_USAGE } from './args.ts';

const USAGE = `usage: virtlab <command> [options]

commands:
  run     boot a guest headless, console on stdio (Ctrl-A X quits)

${RUN_USAGE}`;

/** Errors that mean "your input is wrong" (exit 2), as opposed to bugs (exit 1, stack trace). */
const INPUT_ERRORS = new Set(['UsageError', 'FileError', 'ImageError', 'CatalogError', 'RangeError']);

export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'run') {
      if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(RUN_USAGE + '\n'); return 0; }
      return await runCommand(rest);
    }
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(USAGE + '\n');
      return cmd === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${cmd}" (try: virtlab run --help)`);
  } catch (e) {
    const err = e as Error;
    if (INPUT_ERRORS.has(err.name)) {
      process.stderr.write(`virtlab: ${err.message}\n`);
      return 2;
    }
    throw e;
  }
}
