import { createContext, useContext } from 'react';
import type { PublicSettings, SettingsPatch } from './types.js';

export interface SettingsBridge {
  readonly settings: PublicSettings;
  /** Saves through main; failures are shown as a toast. */
  update(patch: SettingsPatch): Promise<void>;
  /** Show a quiet confirmation or an error sentence. */
  notify(text: string, tone?: 'info' | 'error'): void;
}

export const SettingsContext = createContext<SettingsBridge | undefined>(undefined);

/** For settings sections (built-in and registered by area engineers). */
export function useSettings(): SettingsBridge {
  const bridge = useContext(SettingsContext);
  if (!bridge) throw new Error('useSettings() outside the settings sheet');
  return bridge;
}
