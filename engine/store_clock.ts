/**
 * Time as the engine store writes it: ISO text of the clock's time, and
 * of the end of a lease taken then. Runs read the time many times each, so
 * each text is made once a millisecond.
 */

/** The real time, as a `Date` (the engine's default clock). */
export const systemClock = (): Date => new Date();

export class StoreClock {
  private readonly now_ = new IsoText();
  private readonly leaseEnd_ = new IsoText();

  constructor(private readonly clock: () => Date) {}

  /** The clock's time as ISO text. */
  now(): string {
    return this.now_.at(this.clock === systemClock ? Date.now() : this.clock().getTime());
  }

  /** The end of a lease of `ms` taken at `now` (one text a millisecond, as `now`). */
  leaseEnd(now: string, ms: number): string {
    return this.leaseEnd_.at(Date.parse(now) + ms);
  }
}

/** ISO text of a time in milliseconds, made once for each new value (times repeat a lot). */
class IsoText {
  private ms = Number.NaN;
  private text = '';

  at(ms: number): string {
    if (ms !== this.ms) {
      this.ms = ms;
      this.text = new Date(ms).toISOString();
    }
    return this.text;
  }
}
