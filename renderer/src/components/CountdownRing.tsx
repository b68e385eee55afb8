import { memo } from 'react';

const R = 9;
const C = 2 * Math.PI * R;

/**
 * The time left in a period as a shrinking ring. Updated once a second with a 1 s linear CSS
 * transition toward where it will be at the next tick (smooth, no per-frame JS); the transition is
 * off under prefers-reduced-motion (styles.css). Re-keyed per period so it never animates backwards.
 */
export const CountdownRing = memo(function CountdownRing({ secondsLeft, period, urgent }: { secondsLeft: number; period: number; urgent: boolean }) {
  const target = Math.max(0, secondsLeft - 1) / period;
  return (
    <svg className={`ring${urgent ? ' ring--urgent' : ''}`} viewBox="0 0 24 24" aria-hidden="true">
      <circle className="ring__track" cx="12" cy="12" r={R} />
      <circle className="ring__progress" cx="12" cy="12" r={R} strokeDasharray={C} strokeDashoffset={C * (1 - target)} transform="rotate(-90 12 12)" />
    </svg>
  );
});
