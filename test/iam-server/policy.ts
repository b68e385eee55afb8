/**
 * A small IAM policy evaluator for the test server: enough of AWS's evaluation logic to decide the
 * tutorial's Force_MFA policy and simple role trust policies faithfully.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * Rules kept: an explicit Deny wins over any Allow, an Allow wins over the implicit deny;
 * Action/NotAction and Resource/NotResource with `*` and `?` wildcards (actions case-insensitive);
 * the `${aws:username}` policy variable; condition operators Bool, String*, Numeric*, Null, each
 * with `...IfExists`. A key missing from the request makes a condition false, except under
 * `...IfExists` (true) and the negated string operators (true), as AWS documents.
 * Not modelled: permissions boundaries, SCPs, session policies, resource-based policies other than
 * a role's trust policy.
 */

export type Effect = 'Allow' | 'Deny';
type OneOrMany = string | readonly string[];

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Action?: OneOrMany;
  readonly NotAction?: OneOrMany;
  readonly Resource?: OneOrMany;
  readonly NotResource?: OneOrMany;
  /** Trust policies only: `{ AWS: arn | account id | '*' }` or `'*'`. */
  readonly Principal?: '*' | { readonly AWS: OneOrMany };
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, OneOrMany | boolean | number>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Request context values by key (`aws:MultiFactorAuthPresent` -> 'true'); a missing key is absent. */
export type RequestContext = Readonly<Record<string, string | undefined>>;

export interface EvaluationRequest {
  /** `service:Action`, e.g. `iam:DeactivateMFADevice`. */
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
  /** Trust policies: the caller's ARN, matched against each statement's Principal. */
  readonly principalArn?: string;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

const list = (value: OneOrMany | boolean | number | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : typeof value === 'boolean' || typeof value === 'number' ? [String(value)] : [...value];

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's').test(value);
}

/** Substitute `${aws:username}` and other context keys in a Resource; an absent key never matches. */
function substitute(pattern: string, context: RequestContext): string | undefined {
  let missing = false;
  const out = pattern.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    const value = context[key];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : out;
}

function matchesAny(patterns: readonly string[], value: string, context: RequestContext, caseInsensitive: boolean): boolean {
  return patterns.some((p) => {
    const concrete = substitute(p, context);
    return concrete !== undefined && wildcardMatch(concrete, value, caseInsensitive);
  });
}

const KNOWN_OPERATORS = new Set([
  'Null', 'Bool', 'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
]);

function conditionHolds(operator: string, key: string, expected: readonly string[], context: RequestContext): boolean {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  // A test configured an operator this evaluator does not know: fail loudly, never guess.
  if (!KNOWN_OPERATORS.has(base)) throw new Error(`policy condition operator ${operator} is not supported by the test server`);
  const actual = context[key];
  if (base === 'Null') return (actual === undefined) === (expected[0] === 'true');
  const negated = base === 'StringNotEquals' || base === 'StringNotLike' || base === 'StringNotEqualsIgnoreCase';
  if (actual === undefined) return ifExists || negated;
  switch (base) {
    case 'Bool':
      return expected.some((e) => e.toLowerCase() === actual.toLowerCase());
    case 'StringEquals':
      return expected.includes(actual);
    case 'StringNotEquals':
      return !expected.includes(actual);
    case 'StringEqualsIgnoreCase':
      return expected.some((e) => e.toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !expected.some((e) => e.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
      return expected.some((e) => wildcardMatch(e, actual));
    case 'StringNotLike':
      return !expected.some((e) => wildcardMatch(e, actual));
    case 'NumericEquals':
      return expected.some((e) => Number(actual) === Number(e));
    case 'NumericLessThan':
      return expected.some((e) => Number(actual) < Number(e));
    case 'NumericLessThanEquals':
      return expected.some((e) => Number(actual) <= Number(e));
    case 'NumericGreaterThan':
      return expected.some((e) => Number(actual) > Number(e));
    case 'NumericGreaterThanEquals':
      return expected.some((e) => Number(actual) >= Number(e));
    default:
      throw new Error(`policy condition operator ${operator} is not supported by the test server`);
  }
}

function principalMatches(principal: PolicyStatement['Principal'], arn: string | undefined): boolean {
  if (principal === undefined) return true;
  if (arn === undefined) return false;
  if (principal === '*') return true;
  const account = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
  return list(principal.AWS).some((p) => p === '*' || p === arn || (account !== undefined && (p === account || p === `arn:aws:iam::${account}:root`)));
}

function statementApplies(statement: PolicyStatement, request: EvaluationRequest): boolean {
  const { action, resource, context } = request;
  if (statement.Action !== undefined && !matchesAny(list(statement.Action), action, context, true)) return false;
  if (statement.NotAction !== undefined && matchesAny(list(statement.NotAction), action, context, true)) return false;
  if (statement.Resource !== undefined && !matchesAny(list(statement.Resource), resource, context, false)) return false;
  if (statement.NotResource !== undefined && matchesAny(list(statement.NotResource), resource, context, false)) return false;
  if (statement.Principal !== undefined && !principalMatches(statement.Principal, request.principalArn)) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, list(expected), context)) return false;
    }
  }
  return true;
}

/** AWS's order: any matching Deny -> ExplicitDeny; else any matching Allow -> Allow; else ImplicitDeny. */
export function evaluate(policies: readonly PolicyDocument[], request: EvaluationRequest): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.Statement) {
      if (!statementApplies(statement, request)) continue;
      if (statement.Effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

/** Whether a trust policy names this principal specifically (then no identity-based Allow is needed in the same account). */
export function namesPrincipalExplicitly(policy: PolicyDocument, arn: string): boolean {
  return policy.Statement.some((s) => s.Effect === 'Allow' && s.Principal !== undefined && s.Principal !== '*' && list(s.Principal.AWS).includes(arn));
}

/** AWS's AccessDenied wording for an identity-based decision. */
export function denialMessage(principalArn: string, action: string, resource: string, decision: Exclude<Decision, 'Allow'>): string {
  return decision === 'ExplicitDeny'
    ? `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in an identity-based policy`
    : `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

/** Everything allowed: the administrators of the tests (AdministratorAccess). */
export const ADMIN_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/**
 * The tutorial's Force_MFA policy: AWS's example "Allows MFA-authenticated IAM users to manage their
 * own credentials" as the AWS guide Authdesk follows uses it. Without MFA only the actions listed in
 * BlockMostAccessUnlessSignedInWithMFA's NotAction pass; DeactivateMFADevice is allowed on the user's
 * own devices only with MFA; DeleteVirtualMFADevice is allowed by nothing (implicit deny), which is
 * the case the guide warns about: only an administrator can delete a device.
 */
export const FORCE_MFA_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowViewAccountInfo',
      Effect: 'Allow',
      Action: ['iam:GetAccountPasswordPolicy', 'iam:ListVirtualMFADevices'],
      Resource: '*',
    },
    {
      Sid: 'AllowManageOwnPasswords',
      Effect: 'Allow',
      Action: ['iam:ChangePassword', 'iam:GetUser'],
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    {
      Sid: 'AllowManageOwnAccessKeys',
      Effect: 'Allow',
      Action: ['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:UpdateAccessKey', 'iam:GetAccessKeyLastUsed'],
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    {
      Sid: 'AllowManageOwnVirtualMFADevice',
      Effect: 'Allow',
      Action: ['iam:CreateVirtualMFADevice'],
      Resource: 'arn:aws:iam::*:mfa/*',
    },
    {
      Sid: 'AllowManageOwnUserMFA',
      Effect: 'Allow',
      Action: ['iam:DeactivateMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    {
      Sid: 'BlockMostAccessUnlessSignedInWithMFA',
      Effect: 'Deny',
      NotAction: [
        'iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:GetUser', 'iam:ChangePassword', 'iam:ListMFADevices',
        'iam:ListVirtualMFADevices', 'iam:ResyncMFADevice', 'sts:GetSessionToken',
      ],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};

/** The tutorial's EC2MFA group permission: EC2 read access (here the one action the server implements). */
export const EC2MFA_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowDescribeInstances', Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' }],
};

/** A role trust policy: the account (or listed principals) may assume it; optionally only with MFA and/or an external id. */
export function trustPolicy(options: { principals?: readonly string[]; accountId: string; requireMfa?: boolean; externalId?: string }): PolicyDocument {
  const condition: Record<string, Record<string, string>> = {};
  if (options.requireMfa) condition.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
  if (options.externalId !== undefined) condition.StringEquals = { 'sts:ExternalId': options.externalId };
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { AWS: options.principals ?? `arn:aws:iam::${options.accountId}:root` },
      Action: 'sts:AssumeRole',
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
    }],
  };
}
