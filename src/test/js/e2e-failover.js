// Drives the official nun-db npm client through the loss of the primary, connected to a secondary.
// Usage: node e2e-failover.js ws://127.0.0.1:<secondary ws port> <db> <db-token>
// Prints READY once its sessions are set up and a watch is registered, then waits for a line
// KILLED on stdin (the JUnit test SecondaryNpmClientEndToEndTest kills the primary in between),
// then checks that the same sessions keep reading, writing and watching. Prints "PASS <step>" per
// step and "ALL PASSED" at the end; exits 1 on the first failure.
const { harness, expectEqual, tick } = require('./steps');
const readline = require('readline');

const [url, db, token] = process.argv.slice(2);
// steps get 10 s: a write right after the kill waits for the election (the server bounds that wait at 4 s)
const { open, step, run } = harness(10000);

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

}

run(main);
