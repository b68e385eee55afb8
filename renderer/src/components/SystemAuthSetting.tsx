import { useEffect, useState } from 'react';
import { api, call } from '../api.js';
import { useSettings } from '../settings-context.js';
import type { AuthdeskApi, IpcResult } from '../types.js';

/** What main says about system authentication here (electron/ipc/channels/lock.ts SystemAuthStatus). */
export type SystemAuthStatus = Awaited<ReturnType<AuthdeskApi['lock']['systemAuthStatus']>> extends IpcResult<infer T> ? T : never;

/** Asks main once; undefined until it answers (and if it cannot: then nothing is offered). */
export function useSystemAuthStatus(refreshKey?: unknown): SystemAuthStatus | undefined {
  const [status, setStatus] = useState<SystemAuthStatus>();
  useEffect(() => {
    let live = true;
    call(api().lock.systemAuthStatus()).then(
      (value) => { if (live) setStatus(value); },
      () => { if (live) setStatus(undefined); },
    );
    return () => { live = false; };
  }, [refreshKey]);
  return status;
}

/**
 * Settings › App lock: "Unlock with Touch ID" where the OS offers it, otherwise one line saying it is
 * not available here (Windows and Linux: Electron has no API for it; docs/SECURITY.md). It needs a
 * passphrase: the passphrase stays the fallback and is still asked for to show a secret key or export.
 */
export function SystemAuthSetting() {
  const { settings, update } = useSettings();
  const status = useSystemAuthStatus(settings.lockEnabled);
  if (!status) return null;
  if (!status.available) {
    return (
      <div className="setting" data-testid="system-auth-note">
        <span className="setting__description">{status.note ?? 'System authentication is not available on this system.'}</span>
      </div>
    );
  }
  const name = status.name ?? 'system authentication';
  const description = settings.lockEnabled
    ? 'Your passphrase stays the fallback, and is still asked for to show a secret key or export.'
    : 'Set a passphrase first: it stays the fallback, and is still asked for to show a secret key or export.';
  return (
    <label className="setting setting--switch">
      <span className="setting__text">
        <span className="setting__label">Unlock with {name}</span>
        <span className="setting__description">{description}</span>
      </span>
      <input
        type="checkbox"
        role="switch"
        name="useSystemAuth"
        className="switch"
        disabled={!settings.lockEnabled}
        checked={settings.lockEnabled && settings.useSystemAuth}
        onChange={(e) => void update({ useSystemAuth: e.target.checked })}
      />
    </label>
  );
}
