import type { NewAccount } from '../core/vault/api.js';
import type { CliContext } from './io.js';

/** `authdesk add --image FILE`: every account the QR codes in FILE hold, confirmed unless --yes. */
export async function addFromImage(_file: string, _yes: boolean, _ctx: CliContext): Promise<NewAccount[]> {
  throw new Error('add --image arrives with the QR decoder');
}
