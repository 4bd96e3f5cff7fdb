// A SmartLink webhook receiver written only from the SDK's documented
// verification rule (@vaultys/smartlink-sdk, Webhook.verify):
//
//   signature = hex HMAC-SHA256(apiKey, JSON.stringify(body without signature))
//   reject if Date.now() - body.date > 60000
//
// No npm dependencies: Node 20's http and crypto.
//
//   PORT      port to listen on, 127.0.0.1 (default 0: any; the URL is printed)
//   KEYS      comma-separated API keys of the organisations whose webhooks
//             may arrive (default standin's two: standin-smartlink-key,
//             standin-smartlink-key-2); a body verifies if one of them signs it
//   STOP_AFTER stop after this many seconds (default: at SIGTERM or SIGINT)
//
// It prints "listening <url>" first, then one line per delivery, and at the
// end the counts; it exits 1 if any delivery was rejected or none arrived.
import http from 'node:http';
import crypto from 'node:crypto';

const keys = (process.env.KEYS ?? 'standin-smartlink-key,standin-smartlink-key-2').split(',').filter(Boolean);
let accepted = 0;
let rejected = 0;

// verify is the SDK's rule, for one key.
function verify(body, apiKey) {
  const { signature, ...rest } = body;
  const expected = crypto.createHmac('sha256', apiKey).update(JSON.stringify(rest)).digest('hex');
  if (typeof signature !== 'string' || signature.toLowerCase() !== expected) return 'bad signature';
  if (Date.now() - rest.date > 60000) return 'too old';
  return '';
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    let why = 'not JSON';
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const reasons = keys.map((k) => verify(body, k));
      why = reasons.includes('') ? '' : reasons.join(', ');
    } catch {
      // why stays 'not JSON'
    }
    if (why === '') {
      accepted++;
      console.log(`accepted ${body.event}`);
      res.writeHead(200).end();
    } else {
      rejected++;
      console.log(`REJECTED ${body?.event ?? '?'}: ${why}`);
      res.writeHead(401).end();
    }
  });
});

function finish() {
  server.close();
  console.log(`${accepted} accepted, ${rejected} rejected`);
  process.exit(rejected > 0 || accepted === 0 ? 1 : 0);
}

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}/`);
});
process.on('SIGTERM', finish);
process.on('SIGINT', finish);
if (process.env.STOP_AFTER) setTimeout(finish, Number(process.env.STOP_AFTER) * 1000);
