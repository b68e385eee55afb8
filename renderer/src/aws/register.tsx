// The aws area's UI, registered in the renderer's slots (renderer/src/slots.ts); main.tsx imports
// this file at start. Without the `aws` area in main (window.authdesk.aws missing) nothing shows.
import { registerAccountAction, registerAddMethod, registerSettingsSection } from '../slots.js';
import { PendingAction, ResyncAction } from './AccountFlows.js';
import { AWS_ISSUER, awsApi } from './aws-api.js';
import { AwsSettings } from './AwsSettings.js';
import { AwsWizard } from './AwsWizard.js';
import { ConsoleAssist } from './ConsoleAssist.js';
import './aws.css';

const available = () => awsApi() !== undefined;

if (available()) {
  registerAddMethod({
    id: 'aws', title: 'AWS MFA device', description: 'Create and enable a virtual MFA device for an IAM user, with your AWS credentials', order: 45,
    icon: <span aria-hidden="true" className="aws-icon">AWS</span>, View: AwsWizard,
  });
  registerSettingsSection({ id: 'aws', title: 'AWS', order: 25, View: AwsSettings });
}
registerAccountAction({
  id: 'aws-console', label: 'AWS console codes…',
  appliesTo: (a) => available() && a.type === 'totp' && a.status === 'active' && a.issuer === AWS_ISSUER,
  View: ConsoleAssist,
});
registerAccountAction({
  id: 'aws-resync', label: 'Resync with AWS…',
  appliesTo: (a) => available() && a.type === 'totp' && a.status === 'active' && a.awsSerial !== undefined,
  View: ResyncAction,
});
registerAccountAction({
  id: 'aws-pending', label: 'Finish AWS enrollment…',
  appliesTo: (a) => available() && a.status === 'pending' && a.awsSerial !== undefined,
  View: PendingAction,
});
