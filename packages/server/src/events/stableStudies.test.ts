import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerEventMap } from '../context.js';
import { notifyStored } from './notify.js';
import { trackStableStudies } from './stableStudies.js';

describe('study-stable events', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const stored = (events: EventEmitter<ServerEventMap>, study: string, n: number): boolean =>
    notifyStored(
      { events },
      { status: 'stored', studyInstanceUID: study, seriesInstanceUID: `${study}.1`, sopInstanceUID: `${study}.1.${n}` },
      'stow',
    );

  it('emits once after the quiet period, counting the instances, and again for late arrivals', () => {
    const events = new EventEmitter<ServerEventMap>();
    const stable: Array<ServerEventMap['study-stable'][0]> = [];
    events.on('study-stable', (e) => stable.push(e));
    const tracker = trackStableStudies(events, 1000);
    stored(events, '1.2.1', 1);
    vi.advanceTimersByTime(600);
    stored(events, '1.2.1', 2);
    stored(events, '1.2.2', 1);
    vi.advanceTimersByTime(600);
    // 1.2.1's period restarted at 600 ms, so neither study is quiet yet.
    expect(stable).toEqual([]);
    vi.advanceTimersByTime(400);
    expect(stable.map((e) => [e.studyInstanceUID, e.instances])).toEqual([
      ['1.2.1', 2],
      ['1.2.2', 1],
    ]);
    expect(stable[0]?.stableAt).toBeInstanceOf(Date);
    vi.advanceTimersByTime(5000);
    expect(stable).toHaveLength(2);
    stored(events, '1.2.1', 3);
    vi.advanceTimersByTime(1000);
    expect(stable.map((e) => [e.studyInstanceUID, e.instances])).toContainEqual(['1.2.1', 1]);
    expect(stable).toHaveLength(3);
    tracker.close();
  });

  it('ignores duplicates and rejections, and emits nothing after close', () => {
    const events = new EventEmitter<ServerEventMap>();
    const stable: unknown[] = [];
    events.on('study-stable', (e) => stable.push(e));
    const tracker = trackStableStudies(events, 50);
    expect(
      notifyStored(
        { events },
        { status: 'duplicate', studyInstanceUID: '1', seriesInstanceUID: '2', sopInstanceUID: '3' },
        'dimse',
      ),
    ).toBe(false);
    expect(notifyStored({ events }, { status: 'rejected' }, 'dimse')).toBe(false);
    expect(tracker.pending()).toBe(0);
    expect(stored(events, '1.2.3', 1)).toBe(true);
    expect(tracker.pending()).toBe(1);
    tracker.close();
    vi.advanceTimersByTime(1000);
    expect(stable).toEqual([]);
    expect(events.listenerCount('instance-stored')).toBe(0);
  });
});
