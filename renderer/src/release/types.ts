export type { ActivityEntry, Grant, ReleasePolicy, ReleaseRequest, ReleaseSuggestion } from '../../../electron/ipc/channels/release.js';
