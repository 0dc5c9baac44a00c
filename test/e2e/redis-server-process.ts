import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createClient } from 'redis';
import { eventually } from '@shop/testing';
import { freePort } from './service-processes';

/** A throwaway Redis server of a test's own (no persistence, loopback only), as a second region's Redis. */
export interface RedisServerProcess {
  url: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Where the tests find the Redis server binary: REDIS_SERVER_PATH, else `redis-server` on PATH; undefined when neither is there. */
export function redisServerPath(): string | undefined {
  if (process.env.REDIS_SERVER_PATH) return existsSync(process.env.REDIS_SERVER_PATH) ? process.env.REDIS_SERVER_PATH : undefined;
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((directory) => join(directory, 'redis-server'))
    .find((candidate) => existsSync(candidate));
}

/** Answers true once the server at `url` answers PING. */
async function answersPing(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    if (client.isOpen) await client.quit().catch(() => undefined);
  }
}

/** Starts `binary` on a free loopback port and waits until it answers PING (at most 10 s). */
export async function startRedisServer(binary: string): Promise<RedisServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk) => (output += chunk.toString()));
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      return answersPing(url);
    }, 10_000, 50);
  } catch (error) {
    await stop();
    throw new Error(`redis-server on port ${port} did not answer: ${String(error)}\n${output}`, { cause: error });
  }
  return { url, stop };
}
