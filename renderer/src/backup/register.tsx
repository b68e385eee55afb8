// The backup area's UI, registered in the renderer's slots (renderer/src/slots.ts); main.tsx imports
// this file at start. Without the `backup` area in main (window.authdesk.backup missing) nothing shows.
import { registerAccountAction, registerSettingsSection } from '../slots.js';
import { AccountQr } from './AccountQr.js';
import { BackupSettings } from './BackupSettings.js';
import { backupApi } from './backup-api.js';
import './backup.css';

if (backupApi() !== undefined) {
  registerSettingsSection({ id: 'backup', title: 'Backup', order: 35, View: BackupSettings });
}
registerAccountAction({
  id: 'backup-qr',
  label: 'Show QR code…',
  appliesTo: () => backupApi() !== undefined,
  View: AccountQr,
});
