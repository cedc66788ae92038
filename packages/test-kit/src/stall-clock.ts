/**
 * The time this machine stood still: a heartbeat every 100 ms, and every gap in it over three
 * seconds counted (less the beat). A virtual machine paused for a snapshot, or a host that took the CPU
 * away, stops every server of the stack and this process alike; when it resumes, the clock has
 * jumped. A wait for the stack (an index catching up, a page showing) is a wait for the servers'
 * working time, so its deadline leaves such stills out — else a pause of the machine fails
 * whichever check happened to be waiting. A gap can also be this process blocking its own event
 * loop (a synchronous call): those last a second or two at most, below the threshold, so that a
 * budget never loses time the suite's own client spent.
 */
const BEAT_MS = 100;
const STILL_MS = 3000;
const KEEP_MS = 3_600_000;

interface Still { endedAt: number; ms: number }
const stills: Still[] = [];
let last = 0;
let beating: NodeJS.Timeout | undefined;

function beat(): void {
  const now = Date.now();
  const gap = now - last;
  if (gap > STILL_MS) stills.push({ endedAt: now, ms: gap - BEAT_MS });
  last = now;
  while (stills.length > 0 && now - stills[0]!.endedAt > KEEP_MS) stills.shift();
}

/** Starts the heartbeat (once; it never keeps the process alive). */
export function startStallClock(): void {
  if (beating) return;
  last = Date.now();
  beating = setInterval(beat, BEAT_MS);
  beating.unref();
}

/**
 * How long the machine stood still since `since` (ms since the epoch), as far as the heartbeat has
 * seen; a still still going on is counted once it ends. Starts the heartbeat on first use.
 */
export function stalledMsSince(since: number): number {
  startStallClock();
  beat();
  return stills.reduce((n, s) => n + (s.endedAt - s.ms >= since ? s.ms : Math.max(0, s.endedAt - since)), 0);
}

/** The stills since `since`, for a report: when each ended and how long it was. */
export function stillsSince(since: number): Array<{ endedAt: Date; ms: number }> {
  startStallClock();
  beat();
  return stills.filter((s) => s.endedAt > since).map((s) => ({ endedAt: new Date(s.endedAt), ms: Math.min(s.ms, s.endedAt - since) }));
}

/** Milliseconds since `since`, less the time the machine stood still: the stack's working time. */
export const workingMsSince = (since: number): number => Date.now() - since - stalledMsSince(since);
