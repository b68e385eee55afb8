// Which accounts the console-assist view is for (the account menu's "AWS console codes…" and the
// view that opens by itself right after adding). Type imports only from core (lint).
import type { Account } from '../types.js';
import { AWS_ISSUER } from './aws-api.js';

/**
 * The console's QR names the account "Amazon Web Services:<IAM user>@<12-digit account id>". Some
 * exports and hand-typed entries lose the issuer; the label alone still says AWS. IAM user names
 * are 1–64 of letters, digits and + = , . @ _ - (so a name may itself contain "@").
 */
const AWS_CONSOLE_LABEL = /^[\w+=,.@-]{1,64}@\d{12}$/;

export function isAwsConsoleAccount(account: Account): boolean {
  return account.type === 'totp' && account.status === 'active' && (account.issuer === AWS_ISSUER || AWS_CONSOLE_LABEL.test(account.label));
}

/**
 * Just added and about to be typed into the console. An account Authdesk enrolled itself (the
 * wizard: it has its serial ARN) was already enabled with two codes by API: nothing to type.
 */
export function needsConsoleCodes(account: Account): boolean {
  return isAwsConsoleAccount(account) && account.awsSerial === undefined;
}
