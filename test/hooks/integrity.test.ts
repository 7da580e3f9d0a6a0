// The integrity watch: finds a replaced or removed slot, once, by the full check and by the small
// decision-time steps; watches only slots that are locked when asked to pick them itself.
import { describe, expect, it } from 'vitest';
import { IntegrityWatch, type Tamper } from '../../src/hooks/integrity-watch';
import { lockProperty } from '../../src/hooks/lock';

function watched(count: number): { owner: Record<string, () => number>; watch: IntegrityWatch; tampers: Tamper[] } {
  const owner: Record<string, () => number> = {};
  const tampers: Tamper[] = [];
  const watch = new IntegrityWatch((tamper) => tampers.push(tamper));
  for (let i = 0; i < count; i++) {
    owner[`f${i}`] = () => i;
    watch.watchSlot(owner, `f${i}`, `owner.f${i}`);
  }
  return { owner, watch, tampers };
}

describe('IntegrityWatch', () => {
  it('reports nothing while every slot holds its value', () => {
    const { watch, tampers } = watched(10);
    watch.checkAll();
    for (let i = 0; i < 10; i++) watch.step();
    expect(tampers).toEqual([]);
  });

  it('reports a replaced and a removed slot once each on the full check', () => {
    const { owner, watch, tampers } = watched(10);
    owner.f3 = () => -1;
    delete owner.f7;
    watch.checkAll();
    watch.checkAll();
    expect(tampers).toEqual([
      { label: 'owner.f3', detail: 'replaced' },
      { label: 'owner.f7', detail: 'removed' },
    ]);
  });

  it('decision-time steps reach every slot within a bounded number of steps', () => {
    const { owner, watch, tampers } = watched(40);
    owner.f39 = () => -1;
    for (let i = 0; i < 39; i++) watch.step();
    expect(tampers).toEqual([]);
    watch.step();
    expect(tampers).toEqual([{ label: 'owner.f39', detail: 'replaced' }]);
  });

  it('picks only locked function slots', () => {
    const owner: Record<string, unknown> = { open: () => 1, data: 2 };
    lockProperty(owner, 'locked', () => 3);
    lockProperty(owner, 'lockedData', 4);
    const watch = new IntegrityWatch(() => {});
    watch.watchLockedSlots(owner, 'owner');
    expect(watch.size).toBe(1);
  });
});
