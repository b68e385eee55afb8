import type { UserFacingError } from '../../../core/errors.js';
import type { OtpauthData } from '../../../core/otpauth/uri.js';
import { URI_LIMITS } from '../../../core/otpauth/uri.js';
import { HASH_ALGORITHMS, OTP_LIMITS } from '../../../core/otp/types.js';
import type { Account } from '../../../core/vault/model.js';
import { channel, event } from '../channel.js';
import { s } from '../schema.js';
import { MAX_ACCOUNTS, accountId, accountName, passphrase, secretText } from './common.js';

/** What the renderer may know about a parsed link or key: everything but the secret. */
export type AccountPreview = Omit<OtpauthData, 'secret'> & { readonly secretBits: number };

/** Inline validation: a bad value is an answer, not a failure, so the UI can show the sentence. */
export type Validation<T> = { readonly valid: true; readonly preview: T } | { readonly valid: false; readonly error: UserFacingError };

const newAccount = s.object({
  type: s.enum(['totp', 'hotp'] as const),
  issuer: accountName,
  label: accountName,
  secret: secretText,
  algorithm: s.optional(s.enum(HASH_ALGORITHMS)),
  digits: s.optional(s.int({ min: OTP_LIMITS.MIN_DIGITS, max: OTP_LIMITS.MAX_DIGITS })),
  period: s.optional(s.int({ min: OTP_LIMITS.MIN_PERIOD, max: OTP_LIMITS.MAX_PERIOD })),
  counter: s.optional(s.int({ min: 0, max: OTP_LIMITS.MAX_COUNTER })),
});
export type NewAccountRequest = ReturnType<typeof newAccount.parse>;

const uri = s.object({ uri: s.string({ min: 1, max: URI_LIMITS.MAX_LENGTH }) });

export const accounts = {
  channels: {
    /** authdesk.accounts.list() — metadata in display order (Account has no secret field). */
    list: channel(s.none()).returns<readonly Account[]>(),
    /** authdesk.accounts.add({type, issuer, label, secret, ...}) — "Enter key manually". */
    add: channel(newAccount).returns<Account>(),
    /** authdesk.accounts.addUri({uri}) — "Paste URI" (and the scanners after decoding). */
    addUri: channel(uri).returns<Account>(),
    /** authdesk.accounts.validateUri({uri}) — parse in main with core's sentences, secret never returned. */
    validateUri: channel(uri).returns<Validation<AccountPreview>>(),
    /** authdesk.accounts.validateSecret({secret}) — the same sentences the add would fail with. */
    validateSecret: channel(s.object({ secret: secretText })).returns<Validation<{ readonly secretBits: number }>>(),
    /** authdesk.accounts.rename({id, issuer, label}) */
    rename: channel(s.object({ id: accountId, issuer: accountName, label: accountName })).returns<Account>(),
    /** authdesk.accounts.remove({id}) — the UI asks for confirmation first. */
    remove: channel(s.object({ id: accountId })).returns<void>(),
    /** authdesk.accounts.reorder({ids}) — the full new order (drag to reorder). */
    reorder: channel(s.object({ ids: s.array(accountId, { max: MAX_ACCOUNTS }) })).returns<void>(),
    /**
     * authdesk.accounts.reveal({id, passphrase}) — the ONE response carrying a seed. Needs an app-lock
     * passphrase to be set and re-entered now (not merely an unlocked session).
     */
    reveal: channel(s.object({ id: accountId, passphrase })).returns<{ readonly secret: string; readonly uri: string }>(),
  },
  events: {
    /** The account list changed: by this window, another window, or the CLI editing vault.json. */
    changed: event<{ readonly source: 'app' | 'external' }>(),
  },
} as const;
