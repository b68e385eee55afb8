import path from 'node:path';
import { QrError, toUserFacing } from '../../core/errors.js';
import { escapeForTerminal } from '../../core/text/terminal.js';
import { EXIT, parseCommandArgs, printJson, printLine, UsageError, type Command } from '../io.js';

const usage = `Usage: authdesk scan FILE... [--json]

Prints the text of every QR code found in the images (PNG, JPEG, WebP, GIF, BMP), one per line.
Authenticator codes contain their secret key: treat the output like a password.
Exits 1 with a one-line reason when an image cannot be read or holds no QR code.

  --json   print [{ "file": ..., "payloads": [...] } | { "file": ..., "error": {...} }]`;

const scan: Command = {
  summary: 'print the text of every QR code in image files',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
    if (positionals.length === 0) throw new UsageError('scan needs at least one image file.');
    // Loaded here, not at the top: sharp and zxing-wasm are heavy, and `authdesk help` loads this module.
    const { scanImageFile } = await import('../../node/qr/scan.js');
    const report: ({ file: string; payloads: string[] } | { file: string; error: ReturnType<typeof toUserFacing> })[] = [];
    let failed = false;
    for (const file of positionals) {
      try {
        const found = await scanImageFile(file);
        if (found.length === 0) throw new QrError('QR_NOT_FOUND', 'No QR code was found in the image.');
        report.push({ file, payloads: found.map((f) => f.text) });
        if (!values.json) for (const f of found) printLine(ctx, escapeForTerminal(f.text));
      } catch (error) {
        failed = true;
        const facing = toUserFacing(error);
        report.push({ file, error: facing });
        if (!values.json) {
          const name = escapeForTerminal(path.basename(file));
          ctx.stderr.write(`authdesk: ${positionals.length > 1 ? `${name}: ` : ''}${escapeForTerminal(facing.message)}\n`);
        }
      }
    }
    if (values.json) printJson(ctx, report);
    return failed ? EXIT.FAILED : EXIT.OK;
  },
};

export default scan;
