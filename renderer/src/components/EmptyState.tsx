import { getAddMethod } from '../slots.js';

/** First run: what Authdesk is for, and the AWS console path step by step. */
export function EmptyState({ onAdd }: { onAdd(methodId?: string): void }) {
  const scan = getAddMethod('scan-screen');
  const aws = getAddMethod('aws');
  return (
    <section className="empty" aria-labelledby="empty-title">
      <svg className="empty__art" viewBox="0 0 120 96" aria-hidden="true">
        <rect x="14" y="10" width="92" height="64" rx="12" className="empty__screen" />
        {/* A QR code: three finder squares and a few modules. */}
        <g className="empty__qr-dots">
          <path d="M27 25h11v11H27zM29.5 27.5v6h6v-6z" fillRule="evenodd" />
          <path d="M46 25h11v11H46zM48.5 27.5v6h6v-6z" fillRule="evenodd" />
          <path d="M27 44h11v11H27zM29.5 46.5v6h6v-6z" fillRule="evenodd" />
          <rect x="31" y="29.5" width="3" height="2" /><rect x="50" y="29.5" width="3" height="2" /><rect x="31" y="48.5" width="3" height="2" />
          <path d="M41 25h3v3h-3zM41 31h3v3h-3zM41 38h3v3h-3zM46 39h3v3h-3zM51 39h3v3h-3zM41 44h3v3h-3zM46 47h3v3h-3zM51 44h3v3h-3zM54 49h3v3h-3zM41 51h3v4h-3zM47 52h3v3h-3zM27 39h3v3h-3zM33 39h3v3h-3z" />
        </g>
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
