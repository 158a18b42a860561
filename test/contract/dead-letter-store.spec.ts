import { DeadLetter, DeadLetterStore, NewDeadLetter } from '@smartme/ports';
import { SqlDeadLetterStore } from '../../libs/adapters/src/sql/sql-dead-letter-store';
import { postgresUrlForTests } from '../infra/postgres';
import { TestDatabase, embeddedTestDatabase, postgresTestDatabase, uniquePrefix } from './event-store.contract';

/**
 * The dead-letter store contract (libs/ports/src/dead-letters.ts) on both adapters. One
 * store per adapter; each test gives its letters a source of its own and looks only at those.
 */
function deadLetterContract(name: string, open: () => Promise<TestDatabase>): void {
  describe(`dead-letter store contract: ${name}`, () => {
    let database: TestDatabase;
    let store: DeadLetterStore;

    beforeAll(async () => {
      database = await open();
      store = new SqlDeadLetterStore(database.client);
    }, 60_000);

    afterAll(async () => {
      await database?.destroy();
    }, 60_000);

    const letter = (
      source: string,
      raw: string | Buffer,
      reason = 'data.orgId: required',
      eventId: string | null = null,
    ): NewDeadLetter => ({
      source,
      reason,
      raw: typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw,
      eventId,
      kafka: null,
    });
    const from = async (prefix: string): Promise<DeadLetter[]> =>
      (await store.list()).filter((l) => l.source.startsWith(prefix));

    it('adds and lists, oldest first, with every field', async () => {
      const p = uniquePrefix();
      const before = Date.now();
      await store.add([letter(`${p}:1`, '{"id":"a"'), letter(`${p}:2`, '{}', 'id: required')]);
      await store.add([letter(`${p}:3`, '{"id":"e-1"}', 'conflict: same id, different content', 'e-1')]);

      const listed = await from(p);
      expect(
        listed.map(({ source, reason, raw, eventId }) => ({ source, reason, raw: raw.toString('utf8'), eventId })),
      ).toEqual([
        { source: `${p}:1`, reason: 'data.orgId: required', raw: '{"id":"a"', eventId: null },
        { source: `${p}:2`, reason: 'id: required', raw: '{}', eventId: null },
        { source: `${p}:3`, reason: 'conflict: same id, different content', raw: '{"id":"e-1"}', eventId: 'e-1' },
      ]);
      expect(new Set(listed.map((l) => l.id)).size).toBe(3);
      for (const l of listed) {
        expect(l.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(l.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(Date.parse(l.receivedAt)).toBeGreaterThanOrEqual(before - 5_000);
        expect(Date.parse(l.receivedAt)).toBeLessThanOrEqual(Date.now() + 5_000);
        expect(Buffer.isBuffer(l.raw)).toBe(true);
      }
      await store.add([]);
    });

    it('keeps the same raw input from the same source once, within a batch and across batches', async () => {
      const p = uniquePrefix();
      await store.add([
        letter(`${p}:7`, 'same', 'first reason'),
        letter(`${p}:7`, 'same', 'second reason'),
        letter(`${p}:8`, 'same'),
      ]);
      await store.add([letter(`${p}:7`, 'same', 'third reason'), letter(`${p}:7`, 'other')]);

      const listed = await from(p);
      expect(listed.map((l) => [l.source, l.raw.toString(), l.reason])).toEqual([
        [`${p}:7`, 'same', 'first reason'],
        [`${p}:8`, 'same', 'data.orgId: required'],
        [`${p}:7`, 'other', 'data.orgId: required'],
      ]);
    });

    it('keeps raw bytes exactly, non-UTF-8 and empty included', async () => {
      const p = uniquePrefix();
      const bytes = [
        Buffer.from([
          0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc, 0x5c, 0x27, 0x22,
          0x00,
        ]),
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        Buffer.alloc(0),
        Buffer.from('\ufeff{"time":"2025-10-12T09:30:00"} 日本語\r\n', 'utf8'),
      ];
      await store.add(bytes.map((raw, i) => letter(`${p}:${i}`, raw)));
      const listed = await from(p);
      expect(listed.map((l) => l.raw.toString('hex'))).toEqual(bytes.map((raw) => raw.toString('hex')));
      expect(listed.map((l) => l.raw.length)).toEqual(bytes.map((raw) => raw.length));
    });

    it('lists by ids, resolves (resolved letters no longer list), updates reasons', async () => {
      const p = uniquePrefix();
      await store.add([letter(`${p}:1`, 'a'), letter(`${p}:2`, 'b'), letter(`${p}:3`, 'c')]);
      const [one, two, three] = await from(p);

      expect((await store.list({ ids: [three!.id, one!.id, 'no-such-id'] })).map((l) => l.id)).toEqual([
        one!.id,
        three!.id,
      ]);
      expect(await store.list({ ids: [] })).toEqual([]);

      await store.updateReason(two!.id, 'data.idId: too long (failed again on re-drive)');
      await store.resolve([one!.id, three!.id]);
      await store.resolve([]);

      const remaining = await from(p);
      expect(remaining).toEqual([{ ...two!, reason: 'data.idId: too long (failed again on re-drive)' }]);
      expect(await store.list({ ids: [one!.id] })).toEqual([]);

      // Resolving again changes nothing; the same input from the same source stays known.
      await store.resolve([one!.id]);
      await store.add([letter(`${p}:1`, 'a')]);
      expect((await from(p)).map((l) => l.id)).toEqual([two!.id]);

      await expect(store.updateReason('no-such-id', 'x')).rejects.toThrow(/no-such-id/);
    });
  });
}

deadLetterContract('embedded (PGlite)', embeddedTestDatabase);

describe('on PostgreSQL', () => {
  let server: { url: string; release(): Promise<void> };
  beforeAll(async () => {
    server = await postgresUrlForTests();
  }, 180_000);
  afterAll(async () => {
    await server?.release();
  }, 60_000);

  deadLetterContract('PostgreSQL', () => postgresTestDatabase(server.url));
});
