import { passwordPolicyViolations } from './password-policy';

describe('passwordPolicyViolations', () => {
  it('when the password is long and unrelated to the email, then there is nothing to say', () => {
    expect(passwordPolicyViolations('correct horse battery', 'ada@example.com')).toEqual([]);
  });

  it.each([
    ['short', 'at least 10'],
    ['x'.repeat(129), 'at most 128'],
    ['zzzzzzzzzzzz', 'single repeated character'],
    ['ADALovelace@Example.com', 'email address'],
    ['adalovelace', 'email address'],
    ['Password123', 'too common'],
  ])('when the password is %s, then the reason says %s', (password, reason) => {
    expect(passwordPolicyViolations(password, 'adalovelace@example.com').join('; ')).toContain(reason);
  });

  it('when length is counted, then it counts characters, not UTF-16 units', () => {
    expect(passwordPolicyViolations('🙂🙂🙂🙂🙂🙁', 'a@example.com')).toContain('must be at least 10 characters long');
  });
});
