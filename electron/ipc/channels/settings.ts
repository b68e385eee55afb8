import type { Settings } from '../../../core/vault/model.js';
import { channel, event } from '../channel.js';
import { s } from '../schema.js';

/** Settings as the renderer sees them: the passphrase hash and the wrong-attempt record stay in main. */
export type PublicSettings = Omit<Settings, 'lockPassphraseHash' | 'lockFailures'> & { readonly lockEnabled: boolean };

export const MAX_CLIPBOARD_CLEAR_SECONDS = 600;

const hostname = s.string({ min: 1, max: 253, pattern: /^[A-Za-z0-9.-]+(:\d{1,5})?$/, patternHint: 'a host name' });

/** What settings.update accepts. The lock hash is changed only through lock.*; the time offset only by the time service. */
export const settingsPatch = s.object({
  clipboardClearSeconds: s.optional(s.int({ min: 0, max: MAX_CLIPBOARD_CLEAR_SECONDS })),
  theme: s.optional(s.enum(['system', 'light', 'dark'] as const)),
  timeServers: s.optional(s.array(hostname, { min: 1, max: 8 })),
  timeCorrection: s.optional(s.boolean()),
  startAtLogin: s.optional(s.boolean()),
  lockAfterIdleMinutes: s.optional(s.int({ min: 0, max: 24 * 60 })),
  lockOnScreenLock: s.optional(s.boolean()),
  useSystemAuth: s.optional(s.boolean()),
  autoBackupKeep: s.optional(s.int({ min: 0, max: 1000 })),
  awsProfile: s.optional(s.string({ max: 128, pattern: /^[A-Za-z0-9_.+@-]*$/, patternHint: 'a profile name' })),
});
export type SettingsPatch = ReturnType<typeof settingsPatch.parse>;

export const settings = {
  channels: {
    /** authdesk.settings.get() — allowed while locked (the lock screen needs the theme). */
    get: channel(s.none(), { whileLocked: true }).returns<PublicSettings>(),
    /** authdesk.settings.update({...}) — main applies side effects (start at login) via its settings hook. */
    update: channel(settingsPatch).returns<PublicSettings>(),
  },
  events: {
    changed: event<PublicSettings>(),
  },
} as const;
