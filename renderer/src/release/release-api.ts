import { api } from '../api.js';
import type { AuthdeskApi } from '../types.js';

/** window.authdesk.release, or undefined when main does not offer the area. */
export function releaseApi(): AuthdeskApi['release'] | undefined {
  return (api() as Partial<AuthdeskApi>).release;
}
