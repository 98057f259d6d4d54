import type { PriorityBand } from '@reelay/contracts';

/**
 * The order in which a worker asks the band consumers for work.
 *
 * Weighted take: normally high → normal → low, so a backlog drains by priority. To keep
 * the lower bands from starving while high work keeps arriving, one take in
 * `normalEvery` starts at normal and one in `lowEvery` starts at low (the rest of the
 * order follows). With the defaults (4 and 10) a saturated worker still gives the low
 * band about a tenth of its takes.
 */
export class BandOrder {
  private takes = 0;
  constructor(
    private readonly normalEvery = 4,
    private readonly lowEvery = 10,
  ) {}

  next(): readonly PriorityBand[] {
    this.takes += 1;
    if (this.takes % this.lowEvery === 0) return ['low', 'high', 'normal'];
    if (this.takes % this.normalEvery === 0) return ['normal', 'high', 'low'];
    return ['high', 'normal', 'low'];
  }
}
