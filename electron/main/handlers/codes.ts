import type { UserFacingError } from '../../../core/errors.js';
import { isCodeFailure, type CodeView, type VaultApi } from '../../../core/vault/api.js';
import type { Handlers } from '../../ipc/contract.js';

export function createCodeHandlers(deps: { vault: VaultApi; hotpShown: Map<string, string> }): Handlers['codes'] {
  const { vault, hotpShown } = deps;
  return {
    async current({ ids }) {
      const accounts = await vault.list();
      const byId = new Map(accounts.map((a) => [a.id, a]));
      const failed: Array<{ accountId: string; error: UserFacingError }> = [];
      const totpIds: string[] = [];
      for (const id of new Set(ids)) {
        const account = byId.get(id);
        if (account === undefined) failed.push({ accountId: id, error: { code: 'ACCOUNT_NOT_FOUND', domain: 'vault', message: 'This account no longer exists.' } });
        else if (account.type === 'totp') totpIds.push(id);
      }
      // One corrected instant for the whole batch, so every row agrees on the period boundary.
      const now = vault.now();
      const codes: CodeView[] = [];
      for (const result of await vault.codes(totpIds, now)) {
        if (isCodeFailure(result)) failed.push(result);
        else codes.push(result);
      }
      return { now, codes, failed };
    },

    async nextHotp({ id }) {
      const view = await vault.nextHotp(id);
      hotpShown.set(id, view.code);
      return view;
    },
  };
}
