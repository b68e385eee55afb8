import { TIME_SERVER_PRESET_IDS, TIME_SERVER_PRESETS } from '../../../core/time/server.js';
import type { Settings } from '../../../core/vault/model.js';
import { channel, event } from '../channel.js';
import { s } from '../schema.js';

/** Settings as the renderer sees them: the passphrase hash and the wrong-attempt record stay in main. */
export type PublicSettings = Omit<Settings, 'lockPassphraseHash' | 'lockFailures'> & { readonly lockEnabled: boolean };

export const MAX_CLIPBOARD_CLEAR_SECONDS = 600;

/**
 * What settings.update accepts. The lock hash is changed only through lock.*; the time offset only by
 * the time service. Time servers are chosen by id from main's fixed list (core/time/server.ts
 * TIME_SERVER_PRESETS): the renderer can never name a host or port, so a page script has no way out
 * to the network (docs/SECURITY.md). Main maps the ids to hosts (electron/main/handlers/time.ts
 * `settingsFromPatch`); custom hosts are set only through the CLI.
 */
export const settingsPatch = s.object({
  clipboardClearSeconds: s.optional(s.int({ min: 0, max: MAX_CLIPBOARD_CLEAR_SECONDS })),
  theme: s.optional(s.enum(['system', 'light', 'dark'] as const)),
  codeVisibility: s.optional(s.enum(['shown', 'hover', 'click'] as const)),
  timeServerIds: s.optional(s.array(s.enum(TIME_SERVER_PRESET_IDS), { min: 1, max: TIME_SERVER_PRESETS.length })),
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
