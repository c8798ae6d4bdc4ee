import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LockstepBatching } from './LockstepBatching';

describe('LockstepBatching', () => {
  it('releases a step only when every live sequence arrived, on a later turn, in sequence order', async () => {
    const lockstep = new LockstepBatching(3);
    const resumed: number[] = [];
    void lockstep.arrive(2).then(() => resumed.push(2));
    void lockstep.arrive(0).then(() => resumed.push(0));
    await nextTurn();
    expect(resumed).toEqual([]); // sequence 1 has not taken its token yet
    void lockstep.arrive(1).then(() => resumed.push(1));
    await Promise.resolve();
    expect(resumed).toEqual([]); // not within the same turn: node-llama-cpp's dispatch loop must find nothing queued
    await nextTurn();
    expect(resumed).toEqual([0, 1, 2]);
  });

  it('stops waiting for a sequence that left, and a step after that needs only the rest', async () => {
    const lockstep = new LockstepBatching(3);
    const resumed: number[] = [];
    void lockstep.arrive(0).then(() => resumed.push(0));
    void lockstep.arrive(2).then(() => resumed.push(2));
    lockstep.leave(); // sequence 1 sampled its end-of-generation token
    await nextTurn();
    await nextTurn();
    expect(resumed).toEqual([0, 2]);
    void lockstep.arrive(2).then(() => resumed.push(2));
    await nextTurn();
    await nextTurn();
    expect(resumed).toEqual([0, 2]); // sequence 0 is still live
    lockstep.leave();
    await nextTurn();
    await nextTurn();
    expect(resumed).toEqual([0, 2, 2]);
  });
});
