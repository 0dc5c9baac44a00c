import { Writable } from 'node:stream';
import { createLogger, secretFieldNames } from '@shop/platform';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ service: 'test', destination }), lines };
}

describe('createLogger', () => {
  it('when secrets are logged at the top or inside a body, headers or an event, then none of their values reach the output', () => {
    const { logger, lines } = capture();
    const secrets = Object.fromEntries(secretFieldNames.map((name) => [name, `s3cr3t-${name}`]));
    logger.info({ ...secrets, body: secrets, headers: secrets, req: { headers: secrets }, event: { data: secrets } }, 'something happened');
    expect(lines).toHaveLength(1);
    for (const name of secretFieldNames) expect(lines[0]).not.toContain(`s3cr3t-${name}`);
    expect(lines[0]).toContain('[redacted]');
  });

  it('when a line is written, then it is JSON with the service, an ISO UTC time and a named level', () => {
    const { logger, lines } = capture();
    logger.warn({ orderId: 'o-1' }, 'careful');
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ service: 'test', level: 'warn', orderId: 'o-1', msg: 'careful' });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
