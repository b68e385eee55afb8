// Approvals' UI (docs/approvals.md), registered in the renderer's slots; main.tsx imports this file.
// Without the `release` area in main (window.authdesk.release missing) nothing shows.
import { registerAccountAction, registerHeaderItem, registerSettingsSection } from '../slots.js';
import { AccountPolicy } from './AccountPolicy.js';
import { ActivitySettings } from './ActivitySettings.js';
import { ReleaseSettings } from './ReleaseSettings.js';
import { SuggestionBanner } from './SuggestionBanner.js';
import { releaseApi } from './release-api.js';
import './release.css';

if (releaseApi() !== undefined) {
  registerSettingsSection({ id: 'release', title: 'Release to other programs', order: 35, View: ReleaseSettings });
  registerSettingsSection({ id: 'activity', title: 'Activity', order: 36, View: ActivitySettings });
  registerAccountAction({ id: 'release-policy', label: 'Release to other programs…', appliesTo: () => true, View: AccountPolicy });
  registerHeaderItem({ id: 'release-suggestion', order: 90, View: SuggestionBanner });
}
