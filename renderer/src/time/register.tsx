// The time area's UI, registered in the renderer's slots (renderer/src/slots.ts); main.tsx imports
// this file at start. Without the `time` area in main (window.authdesk.time missing) nothing shows.
import { registerAccountAction, registerHeaderItem, registerSettingsSection } from '../slots.js';
import { ClockHealthIndicator } from './ClockHealthIndicator.js';
import { StepAdjust } from './StepAdjust.js';
import { TimeSettings } from './TimeSettings.js';
import { timeApi } from './time-api.js';
import './time.css';

registerHeaderItem({ id: 'clock-health', order: 0, View: ClockHealthIndicator });
registerSettingsSection({ id: 'time', title: 'Time sync', order: 10, View: TimeSettings });
registerAccountAction({
  id: 'step-adjust',
  label: 'Adjust code timing…',
  appliesTo: (account) => account.type === 'totp' && timeApi() !== undefined,
  View: StepAdjust,
});
