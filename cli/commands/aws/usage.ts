/** Usage lines of the aws subcommands that live in cli/commands/aws/ (kept apart so `authdesk help aws` loads none of them). */
export const setupProfileUsage = `  setup-profile NAME --source-profile P [--serial ARN|QUERY] [--role-arn ARN] [--region R] [--force] [--print] [--json]
                                                   add [profile NAME] to the AWS config file; its credential_process
                                                   gets MFA sessions from Authdesk (--print: show the lines, write nothing)`;
export const doctorUsage = `  doctor [--profile P] [--json]                    check credentials, caller, MFA devices against the vault, whether
                                                   MFA is demanded, AWS's clock and profiles; one line per finding with its fix`;
