/**
 * The test server's policy evaluator (test/iam-server/policy.ts), table-tested on the tutorial's
 * Force_MFA policy and on the evaluation rules it relies on.
 */
import { describe, expect, it } from 'vitest';
import {
  denialMessage, EC2MFA_POLICY, evaluate, FORCE_MFA_POLICY, trustPolicy, wildcardMatch, type Decision, type PolicyDocument,
} from '../iam-server/policy.js';

const USER = 'arn:aws:iam::123456789012:user/ana';
const OTHER = 'arn:aws:iam::123456789012:user/bo';
const MFA = 'arn:aws:iam::123456789012:mfa/ana';
const longTerm = { 'aws:username': 'ana' };
const mfaSession = { 'aws:username': 'ana', 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '5' };
const plainSession = { 'aws:username': 'ana', 'aws:MultiFactorAuthPresent': 'false' };
const tutorial = [FORCE_MFA_POLICY, EC2MFA_POLICY];

describe('Force_MFA + EC2MFA', () => {
  const cases: Array<[string, string, Record<string, string>, Decision]> = [
    ['iam:GetUser', USER, longTerm, 'Allow'],
    ['iam:ChangePassword', USER, longTerm, 'Allow'],
    ['iam:CreateVirtualMFADevice', MFA, longTerm, 'Allow'],
    ['iam:EnableMFADevice', USER, longTerm, 'Allow'],
    ['iam:ResyncMFADevice', USER, longTerm, 'Allow'],
    ['iam:ListMFADevices', USER, longTerm, 'Allow'],
    ['iam:ListVirtualMFADevices', 'arn:aws:iam::123456789012:mfa/', longTerm, 'Allow'],
    ['iam:DeactivateMFADevice', USER, longTerm, 'ExplicitDeny'],
    ['iam:DeactivateMFADevice', USER, plainSession, 'ExplicitDeny'],
    ['iam:DeactivateMFADevice', USER, mfaSession, 'Allow'],
    ['iam:DeactivateMFADevice', OTHER, mfaSession, 'ImplicitDeny'],
    ['iam:GetUser', OTHER, longTerm, 'ImplicitDeny'],
    ['iam:DeleteVirtualMFADevice', MFA, longTerm, 'ExplicitDeny'],
    ['iam:DeleteVirtualMFADevice', MFA, mfaSession, 'ImplicitDeny'],
    ['ec2:DescribeInstances', '*', longTerm, 'ExplicitDeny'],
    ['ec2:DescribeInstances', '*', plainSession, 'ExplicitDeny'],
    ['ec2:DescribeInstances', '*', mfaSession, 'Allow'],
    ['EC2:describeinstances', '*', mfaSession, 'Allow'],
    ['ec2:TerminateInstances', '*', mfaSession, 'ImplicitDeny'],
    ['sts:AssumeRole', 'arn:aws:iam::123456789012:role/r', longTerm, 'ExplicitDeny'],
  ];
  it.each(cases)('%s on %s -> %s', (action, resource, context, expected) => {
    expect(evaluate(tutorial, { action, resource, context })).toBe(expected);
  });

  it('leaves sts:GetSessionToken out of the Deny (it needs no Allow: AWS does not authorize it by policy)', () => {
    expect(evaluate([FORCE_MFA_POLICY], { action: 'sts:GetSessionToken', resource: '*', context: longTerm })).toBe('ImplicitDeny');
  });
});

describe('evaluation rules', () => {
  it('an explicit Deny beats an Allow, wherever it is', () => {
    const allowAll: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const deny: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:Delete*', Resource: '*' }] };
    expect(evaluate([allowAll, deny], { action: 'iam:DeleteUser', resource: USER, context: {} })).toBe('ExplicitDeny');
    expect(evaluate([deny, allowAll], { action: 'iam:GetUser', resource: USER, context: {} })).toBe('Allow');
    expect(evaluate([], { action: 'iam:GetUser', resource: USER, context: {} })).toBe('ImplicitDeny');
  });

  it('Bool without IfExists is false when the key is missing; StringNotEquals true; Null tests presence', () => {
    const p = (Condition: NonNullable<PolicyDocument['Statement'][number]['Condition']>): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition }] });
    const r = (context: Record<string, string>) => ({ action: 'x:Y', resource: '*', context });
    expect(evaluate([p({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } })], r({}))).toBe('ImplicitDeny');
    expect(evaluate([p({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } })], r({}))).toBe('Allow');
    expect(evaluate([p({ StringNotEquals: { 'sts:ExternalId': 'x' } })], r({}))).toBe('Allow');
    expect(evaluate([p({ Null: { 'aws:MultiFactorAuthAge': 'true' } })], r({}))).toBe('Allow');
    expect(evaluate([p({ Null: { 'aws:MultiFactorAuthAge': 'true' } })], r({ 'aws:MultiFactorAuthAge': '3' }))).toBe('ImplicitDeny');
    expect(evaluate([p({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })], r({ 'aws:MultiFactorAuthAge': '30' }))).toBe('Allow');
    expect(evaluate([p({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })], r({ 'aws:MultiFactorAuthAge': '4000' }))).toBe('ImplicitDeny');
    expect(() => evaluate([p({ DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } })], r({}))).toThrow(/not supported/);
  });

  it('a policy variable with no value in the request matches nothing', () => {
    expect(evaluate([FORCE_MFA_POLICY], { action: 'iam:GetUser', resource: 'arn:aws:iam::123456789012:user/', context: {} })).toBe('ImplicitDeny');
  });

  it('wildcards: * any run, ? one character, actions case-insensitive', () => {
    expect(wildcardMatch('iam:List*', 'iam:ListMFADevices')).toBe(true);
    expect(wildcardMatch('arn:aws:iam::*:mfa/?na', MFA)).toBe(true);
    expect(wildcardMatch('arn:aws:iam::*:mfa/?', MFA)).toBe(false);
    expect(wildcardMatch('iam:getuser', 'iam:GetUser', true)).toBe(true);
  });

  it('trust policies match the account root, a named principal, MFA and external id', () => {
    const role = 'arn:aws:iam::123456789012:role/r';
    const trust = trustPolicy({ accountId: '123456789012', requireMfa: true, externalId: 'abc' });
    const base = { action: 'sts:AssumeRole', resource: role, principalArn: USER };
    expect(evaluate([trust], { ...base, context: { 'aws:MultiFactorAuthPresent': 'true', 'sts:ExternalId': 'abc' } })).toBe('Allow');
    expect(evaluate([trust], { ...base, context: { 'sts:ExternalId': 'abc' } })).toBe('ImplicitDeny');
    expect(evaluate([trust], { ...base, context: { 'aws:MultiFactorAuthPresent': 'true', 'sts:ExternalId': 'abd' } })).toBe('ImplicitDeny');
    expect(evaluate([trust], { ...base, principalArn: 'arn:aws:iam::999999999999:user/x', context: { 'aws:MultiFactorAuthPresent': 'true', 'sts:ExternalId': 'abc' } })).toBe('ImplicitDeny');
    const named = trustPolicy({ accountId: '123456789012', principals: [OTHER] });
    expect(evaluate([named], { ...base, context: {} })).toBe('ImplicitDeny');
    expect(evaluate([named], { ...base, principalArn: OTHER, context: {} })).toBe('Allow');
  });

  it('words denials as AWS does', () => {
    expect(denialMessage(USER, 'iam:DeactivateMFADevice', USER, 'ExplicitDeny'))
      .toBe(`User: ${USER} is not authorized to perform: iam:DeactivateMFADevice on resource: ${USER} with an explicit deny in an identity-based policy`);
    expect(denialMessage(USER, 'iam:DeleteVirtualMFADevice', MFA, 'ImplicitDeny'))
      .toBe(`User: ${USER} is not authorized to perform: iam:DeleteVirtualMFADevice on resource: ${MFA} because no identity-based policy allows the iam:DeleteVirtualMFADevice action`);
  });
});
