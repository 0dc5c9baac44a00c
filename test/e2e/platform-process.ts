import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './service-processes';

const repositoryRoot = join(__dirname, '..', '..');

/** The platform as `npm start` runs it: one process, embedded defaults, its own data folder. */
export interface PlatformProcess {
  url: string;
  admin: { email: string; password: string };
  /** Its DATA_DIR; the e-mails it sends land in `outbox/` there as .eml files. */
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** The file `npm start` runs (read from package.json, so this test breaks if the script points nowhere). */
export function startScriptEntry(): string {
  const scripts = (JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const match = /^node (\S+\.js)$/.exec(scripts.start ?? '');
  if (!match) throw new Error(`npm start is not "node <file>.js": ${scripts.start}`);
  return join(repositoryRoot, match[1]);
}

/** Starts the built launcher on a free port with a fresh data folder and waits for its "is up" line. */
export async function startPlatformProcess(): Promise<PlatformProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shop-e2e-'));
  const port = await freePort();
  const admin = { email: 'admin@shop.local', password: `e2e-admin-${Date.now().toString(36)}-pass` };
  const child: ChildProcess = spawn(process.execPath, [startScriptEntry()], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const outcome = await new Promise<'up' | 'exited' | 'not up in time'>((resolve) => {
    // Registered after the listeners that collect `output`, so each chunk is in it when this looks.
    const lookForUpLine = () => {
      if (output.includes('Shop platform is up')) settle('up');
    };
    const onExit = () => settle('exited');
    const settle = (result: 'up' | 'exited' | 'not up in time') => {
      clearTimeout(deadline);
      child.stdout!.off('data', lookForUpLine);
      child.stderr!.off('data', lookForUpLine);
      child.off('exit', onExit);
      resolve(result);
    };
    const deadline = setTimeout(() => settle('not up in time'), 120_000);
    child.stdout!.on('data', lookForUpLine);
    child.stderr!.on('data', lookForUpLine);
    child.once('exit', onExit);
  });
  if (outcome === 'exited') throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
  if (outcome === 'not up in time') {
    await stop();
    throw new Error(`npm start was not up within 120 s:\n${output}`);
  }
  return { url: `http://localhost:${port}`, admin, dataDir, output: () => output, stop };
}
