// Drives the official nun-db npm client through the loss of the primary, connected to a secondary.
// Usage: node e2e-failover.js ws://127.0.0.1:<secondary ws port> <db> <db-token>
// Prints READY once its sessions are set up and a watch is registered, then waits for a line
// KILLED on stdin (the JUnit test SecondaryNpmClientEndToEndTest kills the primary in between),
// then checks that the same sessions keep reading, writing and watching. Prints "PASS <step>" per
// step and "ALL PASSED" at the end; exits 1 on the first failure.
const NunDb = require('nun-db');
const readline = require('readline');

const [url, db, token] = process.argv.slice(2);
// a write right after the kill waits for the election (the server bounds that wait at 4 s)
const STEP_TIMEOUT_MS = 10000;
const clients = [];

function open(...args) {
  const c = new NunDb(...args);
  clients.push(c);
  return c;
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${what}: expected ${e} but got ${a}`);
  }
}

async function step(name, fn) {
  await within(fn(), name);
  console.log(`PASS ${name}`);
}

// Two instances made in the same millisecond share message ids (client-contract 1.7).
const tick = () => new Promise(r => setTimeout(r, 5));

function waitForLine(wanted) {
  return new Promise(resolve => {
    const rl = readline.createInterface({ input: process.stdin });
    rl.on('line', line => {
      if (line.trim() === wanted) {
        rl.close();
        resolve();
      }
    });
  });
}

async function main() {
  const writer = open(url, db, token);
  await tick();
  const watcher = open(url, db, token);
  const seen = [];
  const waiters = [];
  const seenValue = value =>
    new Promise(resolve => {
      if (seen.includes(value)) return resolve();
      waiters.push({ value, resolve });
    });

  await step('watch on the secondary before the failover', async () => {
    await watcher.watch('fo', e => {
      seen.push(e.value);
      waiters.filter(w => w.value === e.value).forEach(w => w.resolve());
    });
    await watcher.get('fo'); // the watch's ok has come back: the watch is registered
    await writer.setValue('fo', 'before');
    await seenValue('before');
  });

  console.log('READY');
  await waitForLine('KILLED');

  await step('reads on the secondary go on while its primary is gone', async () => {
    expectEqual((await writer.get('fo')).value, 'before', 'get(fo).value');
  });

  await step('a write through the secondary reaches the new primary', async () => {
    await writer.setValue('fo', 'after');
    expectEqual((await writer.get('fo')).value, 'after', 'get(fo).value after the failover');
  });

  await step('the watch survives the failover', async () => {
    await seenValue('after');
    expectEqual(seen, ['before', 'after'], 'values the watcher saw');
  });

  await step('the same sessions keep writing', async () => {
    await writer.increment('fo-count', 2);
    await writer.increment('fo-count');
    expectEqual((await writer.get('fo-count')).value, 3, 'fo-count');
  });

  console.log('ALL PASSED');
}

main()
  .then(() => {
    clients.forEach(c => c.goOffline());
    process.exit(0);
  })
  .catch(e => {
    console.log(`FAIL ${e && e.message}`);
    clients.forEach(c => c.goOffline());
    process.exit(1);
  });
