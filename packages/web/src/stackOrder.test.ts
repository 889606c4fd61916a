import { describe, expect, it } from 'vitest';
import { centreOutOrder } from './stackOrder.js';

describe('centreOutOrder', () => {
  it('goes outwards from the shown slice, alternating up and down', () => {
    expect(centreOutOrder(7, 3)).toEqual([3, 4, 2, 5, 1, 6, 0]);
  });

  it('runs on along one side once the other side is done', () => {
    expect(centreOutOrder(6, 1)).toEqual([1, 2, 0, 3, 4, 5]);
    expect(centreOutOrder(5, 4)).toEqual([4, 3, 2, 1, 0]);
  });

  it('lists every index once, start clamped into the stack', () => {
    const order = centreOutOrder(400, 200);
    expect(new Set(order).size).toBe(400);
    expect(Math.min(...order)).toBe(0);
    expect(Math.max(...order)).toBe(399);
    expect(centreOutOrder(3, 99)).toEqual([2, 1, 0]);
    expect(centreOutOrder(3, -5)).toEqual([0, 1, 2]);
    expect(centreOutOrder(0, 0)).toEqual([]);
  });
});
