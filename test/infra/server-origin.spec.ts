/**
 * How the tests choose their servers (server-origin.ts): the environment's, else a container
 * where a Docker engine answers, else one started here. The container path itself needs an
 * engine, which the development machines lack: here the detection is tested against a closed
 * port and a stand-in engine, and the fallback by starting what the tests would start.
 */
import { createServer, Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { probeDockerEngine } from './docker-engine';
import { postgresUrlForTests } from './postgres';
import { CONTAINERS_VARIABLE, containersAvailable, serverOrigin } from './server-origin';
import { freePort } from './util';

/** Only what testcontainers reads from the environment to find an engine, pointed at `dockerHost`. */
function engineEnvironment(dockerHost: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // No ~/.testcontainers.properties, no rootless sockets: only DOCKER_HOST can be found.
    HOME: mkdtempSync(join(tmpdir(), 'no-docker-home-')),
    XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'no-docker-run-')),
    DOCKER_HOST: dockerHost,
  };
}

/** Answers what testcontainers asks an engine before it trusts it (GET /info), as an engine would. */
function standInEngine(): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (/\/info$/.test(request.url ?? '')) {
      response.end(JSON.stringify({ ServerVersion: '99.0-stand-in', OperatingSystem: 'test', OSType: 'linux' }));
      return;
    }
    response.statusCode = 404;
    response.end('{"message":"not a real engine"}');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

describe('serverOrigin', () => {
  it('takes the server the environment names, else a container where Docker answers, else a local one', () => {
    expect(serverOrigin('postgres://ci:5432/test', true)).toBe('environment');
    expect(serverOrigin('postgres://ci:5432/test', false)).toBe('environment');
    expect(serverOrigin(undefined, true)).toBe('container');
    expect(serverOrigin('  ', true)).toBe('container');
    expect(serverOrigin(undefined, false)).toBe('local');
    expect(serverOrigin('', false)).toBe('local');
  });
});

describe('the Docker engine detection (testcontainers’ own)', () => {
  it('finds no engine where DOCKER_HOST points at a closed port', async () => {
    const closed = await freePort();
    expect(await probeDockerEngine(engineEnvironment(`tcp://127.0.0.1:${closed}`))).toEqual({
      answers: false,
      version: null,
    });
  });

  it('finds an engine where one answers at DOCKER_HOST', async () => {
    const { server, port } = await standInEngine();
    try {
      expect(await probeDockerEngine(engineEnvironment(`tcp://127.0.0.1:${port}`))).toEqual({
        answers: true,
        version: '99.0-stand-in',
      });
    } finally {
      server.close();
    }
  });

  it('is asked once per run: the global setup left its answer for every suite', async () => {
    const answer = process.env[CONTAINERS_VARIABLE];
    expect(['docker', 'none']).toContain(answer);
    expect(await containersAvailable()).toBe(answer === 'docker');
  });
});

describe('the fallback without Docker', () => {
  it('starts a throwaway PostgreSQL cluster here when neither the environment nor Docker gives one', async () => {
    const server = await postgresUrlForTests({ [CONTAINERS_VARIABLE]: 'none' });
    try {
      expect(server.origin).toBe('local');
      const client = new Client({ connectionString: server.url });
      await client.connect();
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await server.release();
    }
  });

  it('uses the environment’s server as it is, and leaves it alone', async () => {
    const server = await postgresUrlForTests({
      DATABASE_URL: 'postgres://ci@db:5432/x',
      [CONTAINERS_VARIABLE]: 'none',
    });
    expect(server).toMatchObject({ url: 'postgres://ci@db:5432/x', origin: 'environment' });
    await server.release();
  });
});
