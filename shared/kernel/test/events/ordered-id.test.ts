import { orderedEventId } from '../../src/events/support';

describe('orderedEventId', () => {
  it('is a UUIDv7 that sorts in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => orderedEventId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
