/**
 * cli/io.ts: the sinks every command writes through. A context wrapped by terminalSafeContext
 * escapes every write (newline and tab kept), the confirm question and error messages whole, and
 * otherwise behaves as the context under it (isTTY of its streams, env, stdin, members it has).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { printJson, printLine, reportError, terminalSafeContext, UsageError, writeStatusLine, type CliContext } from '../../cli/io.js';

function recordingContext(): { ctx: CliContext & { stdoutIsTTY?: boolean }; out: string[]; err: string[]; questions: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  const ctx = {
    stdout: { write: (t: string) => out.push(t), isTTY: true, columns: 120 },
    stderr: { write: (t: string) => err.push(t) },
    env: {},
    stdinIsTTY: true,
    stdoutIsTTY: true,
    readStdin: async () => 'from stdin',
    confirm: async (q: string) => {
      questions.push(q);
      return true;
    },
  };
  return { ctx, out, err, questions };
}

describe('terminalSafeContext', () => {
  it('escapes every write but newline and tab', () => {
    const { ctx, out, err } = recordingContext();
    const safe = terminalSafeContext(ctx);
    safe.stdout.write('a\u001b[2J\tb\r\u009b\u202e\n');
    printLine(safe, 'Evil\u202eCorp');
    safe.stderr.write('x\u0007\n');
    expect(out).toEqual(['a\\u001b[2J\tb\\u000d\\u009b\\u202e\n', 'Evil\\u202eCorp\n']);
    expect(err).toEqual(['x\\u0007\n']);
  });

  it('escapes the confirm question whole (a newline in it could only be a name\'s)', async () => {
    const { ctx, questions } = recordingContext();
    expect(await terminalSafeContext(ctx).confirm('Remove Evil\u202e\nImport 0 accounts?')).toBe(true);
    expect(questions).toEqual(['Remove Evil\\u202e\\u000aImport 0 accounts?']);
  });

  it('keeps what the context under it says: isTTY, columns, env, stdin, other members; idempotent', async () => {
    const { ctx } = recordingContext();
    const safe = terminalSafeContext(ctx) as CliContext & { stdoutIsTTY?: boolean };
    expect((safe.stdout as { isTTY?: boolean }).isTTY).toBe(true);
    expect((safe.stdout as { columns?: number }).columns).toBe(120);
    expect((safe.stderr as { isTTY?: boolean }).isTTY).toBeUndefined();
    expect(safe.stdinIsTTY).toBe(true);
    expect(safe.stdoutIsTTY).toBe(true);
    expect(safe.env).toBe(ctx.env);
    expect(await safe.readStdin()).toBe('from stdin');
    expect(terminalSafeContext(safe)).toBe(safe);
  });

  it('writeStatusLine writes our CR raw and the text after it escaped', () => {
    const { ctx, err } = recordingContext();
    writeStatusLine(terminalSafeContext(ctx), 'Storing 3/7 \r\u001b[2K');
    expect(err).toEqual(['\rStoring 3/7 \\u000d\\u001b[2K']);
  });

  it('printJson: valid JSON, true values, no raw C1/bidi', () => {
    const { ctx, out } = recordingContext();
    printJson(terminalSafeContext(ctx), { issuer: 'Evil\u009b2J\u202eCorp' });
    expect(out.join('')).toBe('{\n  "issuer": "Evil\\u009b2J\\u202eCorp"\n}\n');
    expect(JSON.parse(out.join(''))).toEqual({ issuer: 'Evil\u009b2J\u202eCorp' });
  });

  it('reportError: one escaped line, candidates listed each escaped, JSON with true values', () => {
    const { ctx, err } = recordingContext();
    const safe = terminalSafeContext(ctx);
    expect(reportError(safe, new InputError('X', 'the algorithm "SHA1\n\u001b]0;t\u0007" is bad.'))).toBe(1);
    expect(reportError(safe, new UsageError('unknown "\u009b2J\nRun"'))).toBe(2);
    reportError(safe, new InputError('ACCOUNT_AMBIGUOUS', '"e" matches 2 accounts:', { details: { candidates: [{ id: 'a1', issuer: 'Evil\u202e', label: 'x\ny' }, { id: 'b2', issuer: '', label: 'plain' }] } }));
    reportError(safe, new InputError('X', 'bad \u202e\n'), true);
    expect(err).toEqual([
      'authdesk: the algorithm "SHA1\\u000a\\u001b]0;t\\u0007" is bad.\n',
      'authdesk: unknown "\\u009b2J\\u000aRun"\nRun "authdesk help" for usage.\n',
      'authdesk: "e" matches 2 accounts:\n  a1  Evil\\u202e: x\\u000ay\n  b2  plain\n',
      '{"error":{"code":"X","domain":"input","message":"bad \\u202e\\n"}}\n',
    ]);
    expect(JSON.parse(err[3] ?? '')).toEqual({ error: { code: 'X', domain: 'input', message: 'bad \u202e\n' } });
  });
});
