import { formatEntryLine } from '../../core/release/activity.js';
import { defaultDataDir } from '../../node/data-dir.js';
import { createActivityStore } from '../../node/release/activity-store.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type Command } from '../io.js';

const usage = `Usage: authdesk log [--json] [--limit N]

The activity log: every code or AWS session released to another program, and every refusal —
when, which program (executable, pid, its parent's command line), which account, what, and the
decision. Oldest first. Kept in the data directory, bounded to the newest 1,000 entries (1 MiB);
it never holds a code or a secret. Strings from other programs are escaped.

  --json       an array of entries
  --limit N    only the newest N entries`;

const log: Command = {
  summary: 'the activity log: releases of codes to other programs',
  usage,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, limit: { type: 'string' } }, false);
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError('--limit takes a whole number of entries, at least 1.');
    }
    const entries = await createActivityStore(defaultDataDir(ctx.env)).read();
    const shown = limit === undefined ? entries : entries.slice(-limit);
    if (values.json) {
      printJson(ctx, shown);
      return EXIT.OK;
    }
    if (shown.length === 0) {
      printLine(ctx, 'No code has been released to another program yet.');
      return EXIT.OK;
    }
    for (const entry of shown) printLine(ctx, formatEntryLine(entry));
    return EXIT.OK;
  },
};

export default log;
