import { getAddMethod } from '../slots.js';

/** First run: what Authdesk is for, and the AWS console path step by step. */
export function EmptyState({ onAdd }: { onAdd(methodId?: string): void }) {
  const scan = getAddMethod('scan-screen');
  const aws = getAddMethod('aws');
  return (
    <section className="empty" aria-labelledby="empty-title">
      <svg className="empty__art" viewBox="0 0 120 96" aria-hidden="true">
        <rect x="14" y="10" width="92" height="64" rx="12" className="empty__screen" />
        <rect x="28" y="26" width="28" height="28" rx="4" className="empty__qr" />
        <path d="M32 30h6v6h-6zM46 30h6v6h-6zM32 44h6v6h-6zM42 40h4v4h-4zM46 46h6v4h-6z" className="empty__qr-dots" />
        <rect x="64" y="30" width="30" height="6" rx="3" className="empty__line" />
        <rect x="64" y="42" width="20" height="6" rx="3" className="empty__line empty__line--accent" />
        <path d="M48 86h24" className="empty__stand" />
      </svg>
      <h1 id="empty-title" className="empty__title">Add your first account</h1>
      <p className="empty__text">Authdesk makes the 6-digit sign-in codes your accounts ask for. Keys stay in your system keychain, never in a file.</p>
      <div className="empty__actions">
        <button type="button" className="button button--primary" onClick={() => onAdd()}>Add account</button>
        {aws ? <button type="button" className="button" onClick={() => onAdd('aws')}>{aws.title}</button> : null}
      </div>
      <div className="howto">
        <h2 className="howto__title">Adding an AWS MFA device</h2>
        <ol className="howto__steps">
          <li>In the AWS console, open <b>IAM → Users →</b> your user <b>→ Security credentials</b>.</li>
          <li>Choose <b>Assign MFA device → Authenticator app</b>.</li>
          {scan ? (
            <li>Choose <b>Show QR code</b>, then <button type="button" className="link" onClick={() => onAdd('scan-screen')}>Scan screen</button> here.</li>
          ) : (
            <li>Choose <b>Show secret key</b>, then <button type="button" className="link" onClick={() => onAdd('manual')}>Enter key manually</button> here.</li>
          )}
          <li>Type the two codes Authdesk shows, one after the other, into the console.</li>
        </ol>
      </div>
    </section>
  );
}
