import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateSigningKey } from '@shop/auth-tokens';

/** Where a locally kept secret came from. */
export type SecretSource = 'configured' | 'stored' | 'generated';

/**
 * A secret of the embedded platform: the configured value, else the one generated on an earlier start (kept in the
 * data folder, readable only by its owner), else a newly generated one. The embedded default has no secret in the repo.
 */
async function keptSecret(configured: string | undefined, file: string, generate: () => string): Promise<{ value: string; source: SecretSource }> {
  if (configured) return { value: configured, source: 'configured' };
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored) return { value: stored, source: 'stored' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = generate();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return { value, source: 'generated' };
}

/** The embedded admin's password. */
export async function resolveAdminPassword(configured: string | undefined, file: string): Promise<{ password: string; source: SecretSource }> {
  const { value, source } = await keptSecret(configured, file, () => `Adm-${randomBytes(12).toString('base64url')}`);
  return { password: value, source };
}

/** The embedded auth service's signing key (PEM), so access tokens keep verifying across restarts. */
export async function resolveEmbeddedSigningKeys(configured: string | undefined, file: string): Promise<string> {
  const { value } = await keptSecret(configured, file, () => generateSigningKey().privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  return value;
}

/** The embedded auth service's partner key hash secret, so issued keys keep working across restarts. */
export async function resolveEmbeddedApiKeyHashSecret(configured: string | undefined, file: string): Promise<string> {
  const { value } = await keptSecret(configured, file, () => randomBytes(32).toString('base64url'));
  return value;
}
