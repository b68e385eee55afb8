// Types of the aws area, imported as TYPES ONLY (erased from the bundle; lint refuses value imports).
export type { DeviceRow, FlowEvent, FlowStep } from '../../../core/iam/flows.js';
export type { AwsEnrollView, AwsIdentity, AwsNote, AwsProfileView, AwsProgress, AwsSessionView, ConsolePairView } from '../../../electron/ipc/channels/aws.js';
export type { CliInstallView, SetupProfileView } from '../../../electron/ipc/channels/aws-profile.js';
import type { aws } from '../../../electron/ipc/channels/aws.js';
import type { ApiFunction } from '../../../electron/ipc/channel.js';

type Channels = (typeof aws)['channels'];
/** window.authdesk.aws, typed from the area file (works before and after the area joins `areas`). */
export type AwsApi = { readonly [K in keyof Channels]: ApiFunction<Channels[K]> };
