// Every listening server remembers which test file opened it, so the open-handles reporter can name the suite that
// left one open (a server left listening keeps an in-band Jest run from ever exiting). Patched once per process: the
// `net` module is shared by every suite of an in-band run.
const net = require('node:net');

const tagged = Symbol.for('shop.test.openedBy');
const patched = Symbol.for('shop.test.listenTagged');
if (!net.Server.prototype[patched]) {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listenTagged(...args) {
    const stack = new Error().stack ?? '';
    const testFrame = stack.split('\n').find((line) => /\.(test|spec)\.tsx?/.test(line));
    if (testFrame) this[tagged] = testFrame.replace(/^.*?\(?((?:\/[^/:]+)+\.(?:test|spec)\.tsx?):.*$/, '$1').replace(process.cwd() + '/', '');
    return listen.apply(this, args);
  };
  net.Server.prototype[patched] = true;
}
