import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, type BackendAvailability } from '@shop/testing';

/** The Azurite blob emulator from the devDependencies (`azurite` on npm), when installed. */
export function azuriteAvailability(): BackendAvailability<string> {
  const binary = path.resolve(__dirname, '../../../node_modules/.bin/azurite-blob');
  return existsSync(binary) ? { found: binary } : { missing: `the azurite binary is missing at ${binary} (install devDependencies)` };
}

/** A running Azurite blob endpoint on a free port, over a throwaway folder. */
export interface RunningAzurite {
  /** Azurite's documented, public development account (not a secret). */
  connectionString: string;
  stop(): Promise<void>;
}

/** Starts Azurite's blob endpoint; the caller waits until it answers (the store's ping). */
export async function startAzurite(executable: string): Promise<RunningAzurite> {
  const port = await freePort();
  const location = mkdtempSync(path.join(tmpdir(), 'azurite-media-'));
  const child: ChildProcess = spawn(executable, ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--silent', '--skipApiVersionCheck', '--loose'], { stdio: 'ignore' });
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
  return {
    connectionString,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(location, { recursive: true, force: true });
    },
  };
}
