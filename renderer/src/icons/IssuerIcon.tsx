import { memo } from 'react';
import { BRANDS, brandFor } from './brands.js';

const MONOGRAM_COLOURS = ['#4f46e5', '#0891b2', '#059669', '#d97706', '#db2777', '#7c3aed', '#2563eb', '#dc2626', '#0d9488', '#9333ea'];

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return h;
}

/** A 24x24 mark on a rounded tile: a bundled brand icon, or a letter monogram. Decorative (aria-hidden). */
export const IssuerIcon = memo(function IssuerIcon({ issuer, label }: { issuer: string; label: string }) {
  const key = brandFor(issuer, label);
  const brand = key ? BRANDS[key] : undefined;
  if (key === 'aws') {
    return (
      <span className="issuer-icon" data-brand="aws" aria-hidden="true">
        <svg viewBox="0 0 40 40" className="issuer-icon__tile">
          <rect width="40" height="40" rx="10" fill="#232F3E" />
          <text x="20" y="21" textAnchor="middle" fontFamily="Arial, Helvetica, sans-serif" fontWeight="700" fontSize="13" fill="#fff">aws</text>
          <path d="M9.5 25.5c6.5 4 14.5 4 21 0" stroke="#FF9900" strokeWidth="2.2" fill="none" strokeLinecap="round" />
          <path d="M27.2 23.6l3.6 1.6-1.2 3.7" stroke="#FF9900" strokeWidth="2.2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </span>
    );
  }
  if (key === 'microsoft') {
    return (
      <span className="issuer-icon" data-brand="microsoft" aria-hidden="true">
        <svg viewBox="0 0 40 40" className="issuer-icon__tile">
          <rect width="40" height="40" rx="10" fill="#fff" className="issuer-icon__light-tile" />
          <rect x="10" y="10" width="9.4" height="9.4" fill="#F25022" />
          <rect x="20.6" y="10" width="9.4" height="9.4" fill="#7FBA00" />
          <rect x="10" y="20.6" width="9.4" height="9.4" fill="#00A4EF" />
          <rect x="20.6" y="20.6" width="9.4" height="9.4" fill="#FFB900" />
        </svg>
      </span>
    );
  }
  if (brand?.path) {
    return (
      <span className="issuer-icon" data-brand={key} aria-hidden="true">
        <svg viewBox="0 0 40 40" className="issuer-icon__tile">
          <rect width="40" height="40" rx="10" fill={brand.bg} />
          <g transform="translate(9 9) scale(0.9167)">
            <path d={brand.path} fill={brand.fg} />
          </g>
        </svg>
      </span>
    );
  }
  const name = (issuer || label).trim();
  const letter = (name.match(/\p{L}|\p{N}/u)?.[0] ?? '?').toUpperCase();
  const colour = brand?.bg ?? MONOGRAM_COLOURS[hash(name.toLowerCase()) % MONOGRAM_COLOURS.length];
  return (
    <span className="issuer-icon" data-brand={key ?? 'monogram'} aria-hidden="true">
      <svg viewBox="0 0 40 40" className="issuer-icon__tile">
        <rect width="40" height="40" rx="10" fill={colour} />
        <text x="20" y="26.5" textAnchor="middle" fontFamily="system-ui, sans-serif" fontWeight="650" fontSize="18" fill="#fff">{letter}</text>
      </svg>
    </span>
  );
});
