/**
 * An independent, hand-written protobuf writer/reader for Google Authenticator's MigrationPayload
 * (wire format from the protobuf encoding spec: varints, length-delimited fields), so the tests of
 * core/otpauth/migration.ts (which uses protobufjs) do not check protobufjs against itself.
 */

export interface OracleOtp {
  secret: Uint8Array;
  name?: string;
  issuer?: string;
  algorithm?: number; // 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
  digits?: number; // 1 six, 2 eight
  type?: number; // 1 HOTP, 2 TOTP
  counter?: number;
}

export interface OraclePayload {
  otp: OracleOtp[];
  version?: number;
  batchSize?: number;
  batchIndex?: number;
  batchId?: number;
}

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const tag = (field: number, wire: number) => varint((field << 3) | wire);
const lengthDelimited = (field: number, bytes: Uint8Array | number[]) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const varintField = (field: number, value: number | undefined) => (value === undefined ? [] : [...tag(field, 0), ...varint(value)]);
const utf8 = (s: string) => [...new TextEncoder().encode(s)];

export function oracleEncode(payload: OraclePayload): Uint8Array {
  const out: number[] = [];
  for (const p of payload.otp) {
    const inner = [
      ...lengthDelimited(1, p.secret),
      ...(p.name === undefined ? [] : lengthDelimited(2, utf8(p.name))),
      ...(p.issuer === undefined ? [] : lengthDelimited(3, utf8(p.issuer))),
      ...varintField(4, p.algorithm),
      ...varintField(5, p.digits),
      ...varintField(6, p.type),
      ...varintField(7, p.counter),
    ];
    out.push(...lengthDelimited(1, inner));
  }
  out.push(...varintField(2, payload.version), ...varintField(3, payload.batchSize), ...varintField(4, payload.batchIndex), ...varintField(5, payload.batchId));
  return Uint8Array.from(out);
}

export function oracleUri(payload: OraclePayload | Uint8Array): string {
  const bytes = payload instanceof Uint8Array ? payload : oracleEncode(payload);
  return `otpauth-migration://offline?data=${encodeURIComponent(Buffer.from(bytes).toString('base64'))}`;
}

function readVarint(bytes: Uint8Array, pos: { i: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = bytes[pos.i++];
    if (b === undefined) throw new Error('truncated varint');
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

function fields(bytes: Uint8Array): { field: number; value: bigint | Uint8Array }[] {
  const pos = { i: 0 };
  const out: { field: number; value: bigint | Uint8Array }[] = [];
  while (pos.i < bytes.length) {
    const key = Number(readVarint(bytes, pos));
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, value: readVarint(bytes, pos) });
    else if (wire === 2) {
      const len = Number(readVarint(bytes, pos));
      out.push({ field, value: bytes.subarray(pos.i, pos.i + len) });
      pos.i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

/** Decode a MigrationPayload written by anyone (for checking our encoder). */
export function oracleDecode(uri: string): OraclePayload {
  const match = /[?&]data=([^&#]*)/.exec(uri);
  if (!match) throw new Error('no data parameter');
  const data = decodeURIComponent(match[1] ?? '');
  const bytes = Uint8Array.from(Buffer.from(data, 'base64'));
  // proto3: a field left out holds its default, 0.
  const payload: OraclePayload = { otp: [], version: 0, batchSize: 0, batchIndex: 0, batchId: 0 };
  const int32 = (v: bigint) => Number(BigInt.asIntN(32, v));
  for (const { field, value } of fields(bytes)) {
    if (field === 1 && value instanceof Uint8Array) {
      const p: OracleOtp = { secret: new Uint8Array(), name: '', issuer: '', algorithm: 0, digits: 0, type: 0, counter: 0 };
      for (const f of fields(value)) {
        if (f.field === 1 && f.value instanceof Uint8Array) p.secret = Uint8Array.from(f.value);
        else if (f.field === 2 && f.value instanceof Uint8Array) p.name = new TextDecoder().decode(f.value);
        else if (f.field === 3 && f.value instanceof Uint8Array) p.issuer = new TextDecoder().decode(f.value);
        else if (f.field === 4 && typeof f.value === 'bigint') p.algorithm = Number(f.value);
        else if (f.field === 5 && typeof f.value === 'bigint') p.digits = Number(f.value);
        else if (f.field === 6 && typeof f.value === 'bigint') p.type = Number(f.value);
        else if (f.field === 7 && typeof f.value === 'bigint') p.counter = Number(f.value);
      }
      payload.otp.push(p);
    } else if (typeof value === 'bigint') {
      if (field === 2) payload.version = int32(value);
      else if (field === 3) payload.batchSize = int32(value);
      else if (field === 4) payload.batchIndex = int32(value);
      else if (field === 5) payload.batchId = int32(value);
    }
  }
  return payload;
}

/** RFC 4648 base32 (no padding), written independently of core/otp/base32.ts. */
export function oracleBase32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}
