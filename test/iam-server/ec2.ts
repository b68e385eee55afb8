/**
 * One EC2 action on the test server, DescribeInstances (EC2 Query protocol, Version 2016-11-15,
 * namespace http://ec2.amazonaws.com/doc/2016-11-15/), over a small fixed reservation set: the
 * tutorial's EC2MFA group may call it, and under Force_MFA only with MFA. EC2's replies differ from
 * IAM/STS: lower-case element names, `requestId` first, and errors as
 * `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
 */
import { ApiFault, el, xmlEscape } from './common.js';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
export const EC2_VERSION = '2016-11-15';

export interface FixedInstance {
  readonly instanceId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly state: 'running' | 'stopped';
  readonly name: string;
  readonly availabilityZone: string;
  readonly launchTime: string;
}

export interface FixedReservation { readonly reservationId: string; readonly instances: readonly FixedInstance[] }

/** What every DescribeInstances returns (filtered by InstanceId.N when given). */
export const FIXED_RESERVATIONS: readonly FixedReservation[] = [
  {
    reservationId: 'r-0a1b2c3d4e5f60001',
    instances: [
      { instanceId: 'i-0123456789abcdef0', imageId: 'ami-0abcdef1234567890', instanceType: 't3.micro', state: 'running', name: 'web-1', availabilityZone: 'us-east-1a', launchTime: '2024-01-15T09:30:00.000Z' },
      { instanceId: 'i-0123456789abcdef1', imageId: 'ami-0abcdef1234567890', instanceType: 't3.micro', state: 'stopped', name: 'web-2', availabilityZone: 'us-east-1b', launchTime: '2024-01-15T09:31:00.000Z' },
    ],
  },
  {
    reservationId: 'r-0a1b2c3d4e5f60002',
    instances: [
      { instanceId: 'i-0fedcba9876543210', imageId: 'ami-0fedcba9876543210', instanceType: 'm5.large', state: 'running', name: 'db-1', availabilityZone: 'us-east-1a', launchTime: '2024-02-01T12:00:00.000Z' },
    ],
  },
];

const STATE_CODES = { running: 16, stopped: 80 } as const;

export const EC2_STATUS: Record<string, number> = {
  UnauthorizedOperation: 403,
  AuthFailure: 401,
  RequestExpired: 400,
  'InvalidInstanceID.NotFound': 400,
  'InvalidInstanceID.Malformed': 400,
  InvalidAction: 400,
  InternalError: 500,
};

function instanceXml(i: FixedInstance): string {
  return `<item>${el('instanceId', i.instanceId)}${el('imageId', i.imageId)}<instanceState><code>${STATE_CODES[i.state]}</code><name>${i.state}</name></instanceState>`
    + `${el('instanceType', i.instanceType)}${el('launchTime', i.launchTime)}<placement>${el('availabilityZone', i.availabilityZone)}<tenancy>default</tenancy></placement>`
    + `<tagSet><item><key>Name</key>${el('value', i.name)}</item></tagSet></item>`;
}

/** The body of a DescribeInstancesResponse after `requestId`. */
export function describeInstances(params: Readonly<Record<string, string>>, ownerId: string): string {
  const wanted = Object.entries(params).filter(([k]) => /^InstanceId\.\d+$/.test(k)).map(([, v]) => v);
  for (const id of wanted) {
    if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw new ApiFault(400, 'InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
  }
  const known = new Set(FIXED_RESERVATIONS.flatMap((r) => r.instances.map((i) => i.instanceId)));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length) throw new ApiFault(400, 'InvalidInstanceID.NotFound', `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' do${missing.length > 1 ? '' : 'es'} not exist`);
  const items = FIXED_RESERVATIONS.map((r) => ({ ...r, instances: r.instances.filter((i) => wanted.length === 0 || wanted.includes(i.instanceId)) }))
    .filter((r) => r.instances.length > 0)
    .map((r) => `<item>${el('reservationId', r.reservationId)}${el('ownerId', ownerId)}<groupSet/><instancesSet>${r.instances.map(instanceXml).join('')}</instancesSet></item>`);
  return `<reservationSet>${items.join('')}</reservationSet>`;
}

export function ec2ErrorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
