// Integration tests need the real NATS, PostgreSQL and Redis. `npm test` starts them (scripts/infra.sh);
// when a test is run directly and one is missing, fail loudly instead of skipping.
const net = require('node:net');

function reachable(url, fallbackPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || fallbackPort) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

module.exports = async function globalSetup() {
  const servers = [
    ['NATS', process.env.NATS_URL || 'nats://127.0.0.1:4222', 4222],
    ['PostgreSQL', process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/switchboard_test', 5432],
    ['Redis', process.env.REDIS_URL || 'redis://127.0.0.1:6379', 6379],
  ];
  const missing = [];
  for (const [name, url, port] of servers) {
    if (!(await reachable(url, port))) missing.push(`${name} (${url})`);
  }
  if (missing.length > 0) {
    throw new Error(`Integration tests need ${missing.join(', ')}. Start them with \`npm run infra\` (npm test does this itself).`);
  }
};
