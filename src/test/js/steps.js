// The small harness both npm end-to-end scripts (e2e.js, e2e-failover.js) share: clients that are
// all taken offline at the end, steps with a timeout that print "PASS <step>", and the exit code.
const NunDb = require('nun-db');

function harness(stepTimeoutMs) {
  const clients = [];

  function open(...args) {
    const c = new NunDb(...args);
    clients.push(c);
    return c;
  }

  function within(promise, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), stepTimeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  async function step(name, fn) {
    await within(fn(), name);
    console.log(`PASS ${name}`);
  }

  // Runs main, prints "ALL PASSED" or "FAIL <why>", takes every client offline and exits 0 or 1.
  function run(main) {
    main()
      .then(() => {
        console.log('ALL PASSED');
        clients.forEach(c => c.goOffline());
        process.exit(0);
      })
      .catch(e => {
        console.log(`FAIL ${e && e.message}`);
        clients.forEach(c => c.goOffline());
        process.exit(1);
      });
  }

  return { open, within, step, run };
}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${what}: expected ${e} but got ${a}`);
  }
}

// Two instances made in the same millisecond share message ids (client-contract 1.7).
const tick = () => new Promise(r => setTimeout(r, 5));

module.exports = { harness, expectEqual, tick };
