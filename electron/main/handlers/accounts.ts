import { InputError, toUserFacing } from '../../../core/errors.js';
import { normalizeBase32Secret, wipe, base32ToBytes } from '../../../core/otp/base32.js';
import { OTP_DEFAULTS, formatOtpauthUri, parseOtpauthUri } from '../../../core/otpauth/uri.js';
import { toPortable } from '../../../core/backup/account.js';
import type { NewAccount, VaultApi } from '../../../core/vault/api.js';
import type { AppLock } from '../../../node/app-lock.js';
import type { Handlers } from '../../ipc/contract.js';
import type { EventSink } from './register.js';

function secretBits(canonical: string): number {
  return Math.floor((canonical.length * 5) / 8) * 8;
}

/** Names typed in the UI follow the same rules as names in links (core/otpauth/uri.ts checkName). */
function cleanName(value: string, what: 'account name' | 'issuer', required: boolean): string {
  const trimmed = value.trim();
  if (required && trimmed === '') throw new InputError('NAME_EMPTY', `Give the ${what} a name, for example your e-mail address or user name.`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new InputError('NAME_CONTROL_CHARACTER', `The ${what} contains control characters; type it again.`);
  return trimmed;
}

export function createAccountHandlers(deps: { vault: VaultApi; lock: AppLock; events: EventSink }): Handlers['accounts'] {
  const { vault, lock, events } = deps;
  const changed = () => events.emit('accounts.changed', { source: 'app' });

  return {
    list: () => vault.list(),

    async add(request) {
      const input: NewAccount = {
        type: request.type,
        issuer: cleanName(request.issuer, 'issuer', false),
        label: cleanName(request.label, 'account name', true),
        secret: normalizeBase32Secret(request.secret),
        algorithm: request.algorithm ?? OTP_DEFAULTS.algorithm,
        digits: request.digits ?? OTP_DEFAULTS.digits,
        period: request.period ?? OTP_DEFAULTS.period,
        ...(request.type === 'hotp' ? { counter: request.counter ?? 0 } : {}),
      };
      const account = await vault.add(input);
      changed();
      return account;
    },

    async addUri({ uri }) {
      const data = parseOtpauthUri(uri);
      if (data.label === '' && data.issuer === '') throw new InputError('NAME_EMPTY', 'The link names no account; add it with "Enter key manually" and give it a name.');
      const account = await vault.add(data);
      changed();
      return account;
    },

    validateUri({ uri }) {
      try {
        const { secret, ...rest } = parseOtpauthUri(uri);
        return { valid: true, preview: { ...rest, secretBits: secretBits(secret) } };
      } catch (error) {
        return { valid: false, error: toUserFacing(error) };
      }
    },

    validateSecret({ secret }) {
      try {
        return { valid: true, preview: { secretBits: secretBits(normalizeBase32Secret(secret)) } };
      } catch (error) {
        return { valid: false, error: toUserFacing(error) };
      }
    },

    async rename({ id, issuer, label }) {
      const account = await vault.update(id, { issuer: cleanName(issuer, 'issuer', false), label: cleanName(label, 'account name', true) });
      changed();
      return account;
    },

    async remove({ id }) {
      await vault.remove(id);
      changed();
    },

    async reorder({ ids }) {
      if (new Set(ids).size !== ids.length) throw new InputError('REORDER_DUPLICATE', 'The new order lists an account twice; reload the list and try again.');
      await vault.reorder(ids);
      changed();
    },

    async reveal({ id, passphrase }) {
      // Behind the app lock: a passphrase must be set, and re-entered now.
      await lock.verify(passphrase);
      const account = await vault.get(id);
      const secret = await vault.revealSecret(id);
      // Sanity: never hand out something that is not a key (and drop the decoded copy at once).
      wipe(base32ToBytes(secret));
      // The same account -> link mapping as backups and the per-account QR use.
      const uri = formatOtpauthUri(toPortable(account, secret));
      return { secret, uri };
    },
  };
}
