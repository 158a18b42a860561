import { splitSqlStatements } from '../../libs/adapters/src/sql/migrations';
import { embeddedTestDatabase, eventStoreContract, storeOn } from './event-store.contract';

/** The embedded default: PGlite in a data directory of its own. */
eventStoreContract('embedded (PGlite)', async () => storeOn(await embeddedTestDatabase()), {
  transactionalOutbox: true,
});

/** PGlite runs one statement per query, so migrations are split; the split must respect SQL quoting. */
describe('splitSqlStatements', () => {
  it('splits at top-level semicolons only', () => {
    const sql = `
      -- a comment; with a semicolon
      CREATE TABLE a (x text DEFAULT 'it''s; fine', "odd;name" int);
      /* block; /* nested; */ comment */
      INSERT INTO a (x) VALUES (E'back\\'slash;');
      CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;
      DO $$ BEGIN PERFORM 1; END $$;
      SELECT $1::text;
      ;
      -- trailing comment only
    `;
    expect(splitSqlStatements(sql)).toEqual([
      "-- a comment; with a semicolon\n      CREATE TABLE a (x text DEFAULT 'it''s; fine', \"odd;name\" int)",
      "/* block; /* nested; */ comment */\n      INSERT INTO a (x) VALUES (E'back\\'slash;')",
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$',
      'DO $$ BEGIN PERFORM 1; END $$',
      'SELECT $1::text',
    ]);
  });

  it('refuses unterminated quotes instead of guessing', () => {
    expect(() => splitSqlStatements("SELECT 'open")).toThrow(/unterminated/);
    expect(() => splitSqlStatements('SELECT $x$ open')).toThrow(/unterminated/);
  });
});
