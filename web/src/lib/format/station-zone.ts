/**
 * The zone every time in the app is shown in: the station's (the hub's REPORT_TIME_ZONE, sent with
 * the signed-in person), so a dispatcher whose laptop is set to UTC reads the same 09:30 as the
 * officer beside them. Until someone signs in (log-in page) it is the browser's own zone.
 */
let zone: string | undefined;

/** Set once the hub has said who is signed in; an unknown zone name is ignored (browser zone). */
export function setStationZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    zone = timeZone;
  } catch {
    zone = undefined;
  }
}

/** The station's zone, or undefined for the browser's own. */
export function stationZone(): string | undefined {
  return zone;
}

/** The wall-clock fields of a moment in the station's zone. */
export function stationParts(ms: number): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
  };
}

/** The moment a wall-clock time in the station's zone names (the later one when a clock change repeats it). */
export function fromStationWallClock(year: number, month: number, day: number, hour: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The zone's offset at a first guess, then again at the corrected moment (right across a change).
  const offsetAt = (ms: number) => {
    const p = stationParts(ms);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(ms / 60_000) * 60_000;
  };
  const guess = wall - offsetAt(wall);
  return wall - offsetAt(guess);
}
