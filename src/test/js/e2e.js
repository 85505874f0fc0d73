// Drives the official nun-db npm client (pinned in package.json) against a running server over
// WebSocket. Usage: node e2e.js ws://127.0.0.1:3012 <db> <db-token> <user> <user-token>
// The JUnit test NpmClientEndToEndTest creates the db, the user and its permissions first.
// Prints one "PASS <step>" line per step and "ALL PASSED" at the end; exits 1 on the first failure.
const { harness, expectEqual, tick } = require('./steps');

const [url, db, token, user, userToken] = process.argv.slice(2);
const { open, step, run } = harness(5000);

async function main() {
  const a = open(url, db, token);
  await tick();
  const b = open(url, db, token);

  await step('token connect, set and get', async () => {
    await a.setValue('name', 'Mary Jane');
    const got = await a.get('name');
    expectEqual(got.value, 'Mary Jane', 'get(name).value');
    expectEqual(typeof got.version, 'number', 'version type');
  });

  await step('set keeps a semicolon inside the value', async () => {
    await a.setValue('semi', 'a;b; get x');
    expectEqual((await a.get('semi')).value, 'a;b; get x', 'get(semi).value');
  });

  await step('watch from a second client', async () => {
    const seen = [];
    let notify;
    const arrived = new Promise(r => (notify = r));
    await b.watch('color', e => {
      seen.push(e);
      if (seen.length === 2) notify();
    });
    await b.get('color'); // the watch's ok has come back: the watch is registered
    await a.setValue('color', 'red');
    await a.setValue('color', 'blue');
    await arrived;
    expectEqual(seen.map(e => [e.name, e.value]), [['color', 'red'], ['color', 'blue']], 'notifications');
    if (!(Number(seen[1].version) > Number(seen[0].version))) {
      throw new Error(`versions should increase: ${seen.map(e => e.version)}`);
    }
  });

  await step('increment', async () => {
    await a.increment('counter', 5);
    await a.increment('counter');
    expectEqual((await a.get('counter')).value, 6, 'counter');
  });

  await step('remove', async () => {
    await a.setValue('temp', 'x');
    await a.remove('temp');
    expectEqual((await a.get('temp')).value, null, 'removed value');
  });

  await step('keys with patterns', async () => {
    await a.setValue('client-1', 'one');
    await a.setValue('client-2', 'two');
    await a.setValue('other-2', 'three');
    expectEqual(await a.keys('client-*'), ['client-1', 'client-2'], 'prefix');
    expectEqual(await a.keys('*-2'), ['client-2', 'other-2'], 'suffix');
    expectEqual(await a.keys('ent-'), ['client-1', 'client-2'], 'contains');
    const all = await a.keys();
    for (const k of ['$connections', 'client-1', 'color', 'name']) {
      if (!all.includes(k)) throw new Error(`keys() misses ${k}: ${all}`);
    }
    if (all.some(k => k.startsWith('$$'))) throw new Error(`keys() shows secure keys: ${all}`);
  });

  await step('db user connects, writes where allowed, is denied elsewhere', async () => {
    await tick();
    const u = open({ url, db, user, token: userToken });
    await u.setValue('client-3', 'mine');
    expectEqual((await u.get('client-3')).value, 'mine', 'own key');
    expectEqual((await u.get('name')).value, 'Mary Jane', 'readable key');
    let denied = null;
    await u.setValue('name', 'hijack').catch(e => (denied = e));
    if (!denied || !/permission denied/.test(denied.message)) {
      throw new Error(`write outside client-* should be denied, got ${denied}`);
    }
    expectEqual((await u.get('name')).value, 'Mary Jane', 'value after denied write');
  });

  await step('wrong token is rejected', async () => {
    await tick();
    const w = open(url, db, 'not-the-token');
    let error = null;
    await w.get('name').catch(e => (error = e));
    if (!error || !/Invalid token/.test(error.message)) {
      throw new Error(`expected Invalid token, got ${error}`);
    }
  });

}

run(main);
