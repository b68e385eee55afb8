// Types of scripts/build.mjs for the TypeScript that imports it (test/helpers/iam-cli.ts).
/** Build the CLI into `outdir` (relative to the checkout, or absolute): authdesk.cjs, cli.mjs and chunks/. */
export function buildCli(outdir?: string): Promise<void>;
