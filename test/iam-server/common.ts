/**
 * Pieces shared by the test server's services (IAM, STS, EC2): the fault every handler throws, XML
 * helpers, and AWS's "N validation errors detected" messages.
 */

export class ApiFault extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
  }
}

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** AWS's timestamps: ISO 8601, UTC, whole seconds. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function el(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(value)}</${name}>`;
}

/** The member name AWS shows in validation messages: first letter lower-case (`tokenCode`). */
export function memberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * Collects the constraint violations of one request and throws them as AWS does, in one
 * ValidationError: "2 validation errors detected: Value 'x' at 'tokenCode' failed to satisfy
 * constraint: ...; Value ...".
 */
export class Validation {
  private readonly errors: string[] = [];

  private add(name: string, value: string | number, constraint: string): void {
    this.errors.push(`Value '${value}' at '${memberName(name)}' failed to satisfy constraint: ${constraint}`);
  }

  /** String members: length bounds, then the regular expression, as AWS lists them. */
  string(name: string, value: string | undefined, rules: { min?: number; max?: number; pattern?: RegExp; patternText?: string }): void {
    if (value === undefined) return;
    if (rules.pattern && rules.patternText && !rules.pattern.test(value)) this.add(name, value, `Member must satisfy regular expression pattern: ${rules.patternText}`);
    if (rules.min !== undefined && value.length < rules.min) this.add(name, value, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && value.length > rules.max) this.add(name, value, `Member must have length less than or equal to ${rules.max}`);
  }

  /** Integer members: AWS reports the bound the value breaks. */
  integer(name: string, value: number | undefined, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min) this.add(name, value, `Member must have value greater than or equal to ${min}`);
    if (value > max) this.add(name, value, `Member must have value less than or equal to ${max}`);
  }

  required(name: string, value: string | undefined): void {
    if (value === undefined || value === '') this.errors.push(`Value null at '${memberName(name)}' failed to satisfy constraint: Member must not be null`);
  }

  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const n = this.errors.length;
    throw new ApiFault(400, 'ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${this.errors.join('; ')}`);
  }
}

/** A Query-protocol integer parameter, or a ValidationError naming it when it is not one. */
export function integerParam(params: Readonly<Record<string, string>>, name: string): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw new ApiFault(400, 'ValidationError', `1 validation error detected: Value '${raw}' at '${memberName(name)}' failed to satisfy constraint: Member must be an integer`);
  return Number(raw);
}
