import { memo } from 'react';

const R = 9;
const C = 2 * Math.PI * R;

/**
 * The time left in a period as a shrinking ring. Updated once a second with a short eased CSS
 * transition (no per-frame JS; see styles.css for why not a continuous sweep); the transition is
 * off under prefers-reduced-motion. Re-keyed per period so it never animates backwards.
 */
export const CountdownRing = memo(function CountdownRing({ secondsLeft, period, urgent }: { secondsLeft: number; period: number; urgent: boolean }) {
  const target = Math.max(0, secondsLeft) / period;
  return (
    <svg className={`ring${urgent ? ' ring--urgent' : ''}`} viewBox="0 0 24 24" aria-hidden="true">
      <circle className="ring__track" cx="12" cy="12" r={R} />
      <circle className="ring__progress" cx="12" cy="12" r={R} strokeDasharray={C} strokeDashoffset={C * (1 - target)} transform="rotate(-90 12 12)" />
    </svg>
  );
});
