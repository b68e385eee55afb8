// The aws area's UI, registered in the renderer's slots (renderer/src/slots.ts); main.tsx imports
// this file at start. Without the `aws` area in main (window.authdesk.aws missing) nothing shows.
import { registerAccountAction, registerAddedView, registerAddMethod, registerSettingsSection } from '../slots.js';
import { PendingAction, ResyncAction } from './AccountFlows.js';
import { AddedAws } from './AddedAws.js';
import { awsApi } from './aws-api.js';
import { AwsSettings } from './AwsSettings.js';
import { AwsWizard } from './AwsWizard.js';
import { ConsoleAssist } from './ConsoleAssist.js';
import { CliToolSettings, UseWithCli } from './UseWithCli.js';
import { isAwsConsoleAccount, needsConsoleCodes } from './console.js';
import './aws.css';

const available = () => awsApi() !== undefined;

if (available()) {
  registerAddMethod({
    id: 'aws', title: 'AWS MFA device', description: 'Create and enable a virtual MFA device for an IAM user, with your AWS credentials', order: 45,
    icon: <span aria-hidden="true" className="aws-icon">AWS</span>, View: AwsWizard,
  });
  registerSettingsSection({ id: 'aws', title: 'AWS', order: 25, View: AwsSettings });
  registerSettingsSection({ id: 'cli', title: 'Command line', order: 26, View: CliToolSettings });
}
registerAccountAction({
  id: 'aws-cli-profile', label: 'Use with the AWS CLI…',
  appliesTo: (a) => available() && a.type === 'totp' && a.status === 'active' && a.awsSerial !== undefined,
  View: UseWithCli,
});
registerAccountAction({
  id: 'aws-console', label: 'AWS console codes…',
  appliesTo: (a) => available() && isAwsConsoleAccount(a),
  View: ConsoleAssist,
});
// Right after adding: the console's two codes at once (one account), or a toast offering them (several).
registerAddedView({ id: 'aws-console', appliesTo: (added) => available() && added.some(needsConsoleCodes), View: AddedAws });
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
