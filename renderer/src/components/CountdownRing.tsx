import { memo, type Ref } from 'react';

const R = 9;
const C = 2 * Math.PI * R;

/** The progress circle's dash offset for `secondsLeft` of `period` (full ring = whole period left). */
export function ringOffset(secondsLeft: number, period: number): string {
  return String(C * (1 - Math.max(0, secondsLeft) / period));
}

/**
 * The time left in a period as a shrinking ring. It renders no time itself: the list's clock writes
 * the progress circle's `stroke-dashoffset` (ringOffset) once a second through `progressRef`, with
 * no transition and no React render (see hooks/useNow.ts useClockWriter and styles.css for why).
 * Only the colour changes through React, when the code turns urgent.
 */
export const CountdownRing = memo(function CountdownRing({ urgent, progressRef }: { urgent: boolean; progressRef: Ref<SVGCircleElement> }) {
  return (
    <svg className={`ring${urgent ? ' ring--urgent' : ''}`} viewBox="0 0 24 24" aria-hidden="true">
      <circle className="ring__track" cx="12" cy="12" r={R} />
      <circle ref={progressRef} className="ring__progress" cx="12" cy="12" r={R} strokeDasharray={C} transform="rotate(-90 12 12)" />
    </svg>
  );
});
