/**
 * The CLI dispatcher: `clusterkit <command> [flags]`. Returns the exit code: 0 on success, 2 for
 * bad input (any ClusterkitError: bad flags, files, data, models; one line on stderr
 * `clusterkit: error: <message>`), 1 for anything unexpected (a bug: the stack is printed with
 * CLUSTERKIT_DEBUG=1).
 */
import { ClusterkitError } from '../core/errors.js';
import { processCtx, packageVersion, type Command, type Ctx } from './common.js';
import { demoCommand } from './demo.js';
import { evalCommand } from './eval.js';
import { fitCommand } from './fit.js';
import { predictCommand } from './predict.js';

/** The commands, in --help order. */
export const COMMANDS: readonly Command[] = [fitCommand, predictCommand, evalCommand, demoCommand];

function helpText(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return `clusterkit ${packageVersion()}: clustering from the command line

Usage: clusterkit <command> [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}

Run 'clusterkit <command> --help' for a command's flags.
  clusterkit demo
  clusterkit fit data/iris.features.csv --algo kmeans --k 3 --seed 0 --out labels.csv
  clusterkit eval --pred labels.csv --truth data/iris.labels.txt

Flags: --help, --version
`;
}

/** One line: the message with newlines folded. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** Run the CLI on `argv` (without node and script); never throws. */
export async function run(argv: readonly string[], ctx: Ctx = processCtx): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      if (first === 'help' && rest[0]) return await run([rest[0], '--help'], ctx);
      ctx.out(helpText());
      return 0;
    }
    if (first === '--version' || first === '-v' || first === '-V') {
      ctx.out(`${packageVersion()}\n`);
      return 0;
    }
    const cmd = COMMANDS.find((c) => c.name === first);
    if (!cmd) {
      const what = first.startsWith('-') ? `flag '${first}'` : `command '${first}'`;
      throw new ClusterkitError('BAD_OPTION', `the command must be one of ${COMMANDS.map((c) => c.name).join(', ')}. Got ${what}. Run 'clusterkit --help'.`);
    }
    return await cmd.run(rest, ctx);
  } catch (e) {
    if (e instanceof ClusterkitError) {
      ctx.err(`clusterkit: error: ${oneLine(e.message)}\n`);
      return 2;
    }
    const err = e as Error;
    ctx.err(`clusterkit: unexpected error: ${oneLine(String(err?.message ?? err))}\n`);
    if (process.env.CLUSTERKIT_DEBUG) ctx.err(`${err?.stack ?? ''}\n`);
    return 1;
  }
}
