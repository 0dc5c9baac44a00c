import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ cost: 1024 });

  it('when a password is hashed, then the string carries the parameters and a random salt', async () => {
    const first = await hasher.hash('correct horse battery');
    const second = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(first).not.toBe(second);
  });

  it('when verifying, then only the right password matches', async () => {
    const hash = await hasher.hash('correct horse battery');
    await expect(hasher.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct horse batterY', hash)).resolves.toBe(false);
    await expect(hasher.verify('correct horse battery', 'not-a-hash')).resolves.toBe(false);
    await expect(hasher.verify('correct horse battery', hash.slice(0, -4))).resolves.toBe(false);
  });

  it('when the cost is raised, then old hashes still verify and are reported for rehashing', async () => {
    const old = await hasher.hash('correct horse battery');
    const stronger = new PasswordHasher({ cost: 2048 });
    await expect(stronger.verify('correct horse battery', old)).resolves.toBe(true);
    expect(stronger.needsRehash(old)).toBe(true);
    expect(stronger.needsRehash(await stronger.hash('x'))).toBe(false);
  });

  it('when the production cost 2^15 is used, then Node accepts the memory it needs', async () => {
    const production = new PasswordHasher({ cost: 2 ** 15 });
    await expect(production.verify('pw', await production.hash('pw'))).resolves.toBe(true);
  });

  it('when unicode passwords are typed in another normal form, then they still match', async () => {
    const hash = await hasher.hash('caf\u00e9 au lait ok');
    await expect(hasher.verify('cafe\u0301 au lait ok', hash)).resolves.toBe(true);
  });
});
