// Contract check: the official npm client @rocket.chat/api-client (unmodified)
// against standin's Rocket.Chat mock.
//
// Usage:
//   npm ci
//   STANDIN_URL=http://127.0.0.1:8080/rocketchat node check.mjs
//
// package.json pins "overrides": {"typia": "9.7.2"}: @rocket.chat/core-typings
// 8.6+/8.7+/8.8.x declares `typia: "patch:typia@npm%3A9.7.2#~/.yarn/patches/..."`
// (a Yarn-only protocol) and plain `npm install` aborts silently on it. typia is
// only a transitive dependency of the typings; the client itself is unmodified and
// needs nothing but query-string at runtime.
//
// STANDIN_URL is the Rocket.Chat *server root* as the client expects it: the
// client appends "/api" itself and endpoints are written "/v1/...", so the
// final URL is `${STANDIN_URL}/api/v1/...`. Do not put "/api" in STANDIN_URL.
//
// Prints one line per step ("ok  <step>" / "FAIL <step>: <why>") and exits
// non-zero on the first failure (after a best-effort cleanup).
import { RestClient } from '@rocket.chat/api-client';

// The client builds `${baseUrl}/api`, so a trailing slash would yield "//api".
const BASE_URL = (process.env.STANDIN_URL || 'http://127.0.0.1:8080/rocketchat').replace(/\/+$/, '');

const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const PASSWORD = `pw-${suffix}`;

// Resources to remove even if a step fails.
const created = { users: [], roomId: undefined };

class CheckError extends Error {}

function assert(cond, msg) {
	if (!cond) throw new CheckError(msg);
}

// The client rejects non-2xx answers with the raw fetch Response (body unread).
async function describeRejection(err) {
	if (err instanceof Response) {
		let body;
		try {
			body = await err.text();
		} catch (e) {
			body = `<unreadable body: ${e.message}>`;
		}
		return `HTTP ${err.status} from ${err.url} (content-type ${err.headers.get('content-type')}): ${body}`;
	}
	if (err instanceof CheckError) return err.message;
	if (err && err.cause) return `${err.name}: ${err.message} (cause: ${err.cause.code || err.cause.message || err.cause})`;
	return err && err.stack ? err.stack.split('\n').slice(0, 3).join(' | ') : String(err);
}

async function step(name, fn) {
	let detail;
	try {
		detail = await fn();
	} catch (err) {
		console.log(`FAIL ${name}: ${await describeRejection(err)}`);
		await cleanup();
		process.exit(1);
	}
	console.log(`ok  ${name}${detail ? ` — ${detail}` : ''}`);
	return detail;
}

async function cleanup() {
	if (!admin.getCredentials()) return;
	if (created.roomId) {
		await admin.post('/v1/channels.delete', { roomId: created.roomId }).catch(() => {});
	}
	for (const u of created.users) {
		await admin.post('/v1/users.delete', { userId: u._id }).catch(() => {});
	}
}

// The client has no login() helper: POST /v1/login, then setCredentials() with
// the { 'X-User-Id', 'X-Auth-Token' } shape from dist/Credentials.d.ts.
async function login(client, user, password) {
	const res = await client.post('/v1/login', { user, password });
	assert(res && res.status === 'success', `login answer has status=${JSON.stringify(res && res.status)}: ${JSON.stringify(res)}`);
	assert(res.data && res.data.userId && res.data.authToken, `login answer lacks data.userId/data.authToken: ${JSON.stringify(res)}`);
	client.setCredentials({ 'X-User-Id': res.data.userId, 'X-Auth-Token': res.data.authToken });
	return res.data;
}

const admin = new RestClient({ baseUrl: BASE_URL });
let adminId;
let roomId;
let roomName;
const users = [];

console.log(`# @rocket.chat/api-client against ${BASE_URL} (requests go to ${BASE_URL}/api/v1/...)`);

await step('login admin/admin (POST /v1/login + setCredentials)', async () => {
	const data = await login(admin, 'admin', 'admin');
	adminId = data.userId;
	assert(data.me && data.me.username === 'admin', `data.me.username is ${JSON.stringify(data.me && data.me.username)}`);
	return `userId ${adminId}`;
});

await step('GET /v1/me with the credentials headers', async () => {
	const me = await admin.get('/v1/me');
	assert(me.success === true, `success is ${JSON.stringify(me.success)}`);
	assert(me._id === adminId && me.username === 'admin', `me is ${me._id}/${me.username}, want ${adminId}/admin`);
});

for (let i = 1; i <= 3; i++) {
	const username = `npmcheck-u${i}-${suffix}`;
	await step(`users.create ${username}`, async () => {
		const res = await admin.post('/v1/users.create', {
			name: `NPM Check User ${i}`,
			email: `${username}@example.com`,
			password: PASSWORD,
			username,
		});
		assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
		assert(res.user && res.user._id, `no user._id in ${JSON.stringify(res)}`);
		assert(res.user.username === username, `user.username is ${JSON.stringify(res.user.username)}`);
		users.push(res.user);
		created.users.push(res.user);
		return `_id ${res.user._id}`;
	});
}

await step('channels.create', async () => {
	roomName = `npmcheck-${suffix}`;
	const res = await admin.post('/v1/channels.create', { name: roomName });
	assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
	assert(res.channel && res.channel._id, `no channel._id in ${JSON.stringify(res)}`);
	assert(res.channel.name === roomName, `channel.name is ${JSON.stringify(res.channel.name)}`);
	assert(res.channel.t === 'c', `channel.t is ${JSON.stringify(res.channel.t)}`);
	roomId = res.channel._id;
	created.roomId = roomId;
	return `${roomName} _id ${roomId}`;
});

await step('channels.invite {roomId, userId}', async () => {
	const res = await admin.post('/v1/channels.invite', { roomId, userId: users[0]._id });
	assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
	assert(res.channel && res.channel._id === roomId, `channel._id is ${JSON.stringify(res.channel && res.channel._id)}`);
	return `usersCount ${res.channel.usersCount}`;
});

await step('channels.invite {roomId, userIds:[...]}', async () => {
	// rest-typings' ChannelsInviteProps has no `userIds`; the server accepts it.
	const res = await admin.post('/v1/channels.invite', { roomId, userIds: [users[1]._id, users[2]._id] });
	assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
	assert(res.channel && res.channel._id === roomId, `channel._id is ${JSON.stringify(res.channel && res.channel._id)}`);
	return `usersCount ${res.channel.usersCount}`;
});

await step('channels.members has admin + 3 users, total 4', async () => {
	const res = await admin.get('/v1/channels.members', { roomId, count: 50, offset: 0 });
	assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
	assert(Array.isArray(res.members), `members is not an array: ${JSON.stringify(res)}`);
	const got = res.members.map((m) => m.username).sort();
	const want = ['admin', ...users.map((u) => u.username)].sort();
	assert(JSON.stringify(got) === JSON.stringify(want), `members ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
	const ids = new Set(res.members.map((m) => m._id));
	assert([adminId, ...users.map((u) => u._id)].every((id) => ids.has(id)), `member _ids ${JSON.stringify([...ids])}`);
	assert(res.total === 4, `total is ${JSON.stringify(res.total)}, want 4`);
	return `total ${res.total}, count ${res.count}, offset ${res.offset}`;
});

await step('channels.info usersCount 4', async () => {
	const res = await admin.get('/v1/channels.info', { roomId });
	assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
	assert(res.channel && res.channel._id === roomId, `channel._id is ${JSON.stringify(res.channel && res.channel._id)}`);
	assert(res.channel.usersCount === 4, `usersCount is ${JSON.stringify(res.channel.usersCount)}, want 4`);
});

// Error path: a plain member (global role "user", no room role) may not invite.
const plain = new RestClient({ baseUrl: BASE_URL });
await step(`login ${users[0].username} on a second RestClient`, async () => {
	const data = await login(plain, users[0].username, PASSWORD);
	assert(data.userId === users[0]._id, `userId ${data.userId}, want ${users[0]._id}`);
});

await step('plain user channels.invite is rejected with error-not-allowed', async () => {
	let value;
	let rejected = false;
	try {
		value = await plain.post('/v1/channels.invite', { roomId, userId: adminId });
	} catch (err) {
		rejected = true;
		value = err;
	}
	assert(rejected, `promise resolved instead of rejecting: ${JSON.stringify(value)}`);
	assert(value instanceof Response, `rejection value is not a Response but ${Object.prototype.toString.call(value)}: ${String(value)}`);
	assert(!value.bodyUsed, 'Response body was already consumed by the client');
	const ctype = value.headers.get('content-type') || '';
	const body = await value.json();
	assert(value.status === 400, `status ${value.status}, want 400; body ${JSON.stringify(body)}`);
	assert(ctype.includes('application/json'), `content-type ${JSON.stringify(ctype)}`);
	assert(body.success === false, `body.success is ${JSON.stringify(body.success)}`);
	assert(body.errorType === 'error-not-allowed', `body.errorType is ${JSON.stringify(body.errorType)}; body ${JSON.stringify(body)}`);
	return `rejected with Response{status:${value.status}, ok:${value.ok}, content-type:${ctype}} body ${JSON.stringify(body)}`;
});

await step('channels.members still 4 after the refused invite', async () => {
	const res = await admin.get('/v1/channels.members', { roomId });
	assert(res.total === 4, `total is ${JSON.stringify(res.total)}, want 4`);
});

// Messaging: what a chat screen calls.
let firstMsgId;
let plainMsgId;
await step('chat.postMessage {roomId, text} by admin', async () => {
	const res = await admin.post('/v1/chat.postMessage', { roomId, text: 'hello from admin' });
	assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
	assert(res.message && res.message.rid === roomId && res.message.msg === 'hello from admin', `message is ${JSON.stringify(res.message)}`);
	assert(typeof res.ts === 'number', `ts is ${JSON.stringify(res.ts)}, want milliseconds`);
	firstMsgId = res.message._id;
	return `_id ${firstMsgId}`;
});

await step(`chat.postMessage {channel: '#name'} by ${users[0].username}`, async () => {
	const res = await plain.post('/v1/chat.postMessage', { channel: `#${roomName}`, text: 'hi admin', alias: 'U1' });
	assert(res.success === true && res.channel === `#${roomName}`, `answer ${JSON.stringify(res)}`);
	assert(res.message.u.username === users[0].username && res.message.alias === 'U1', `message ${JSON.stringify(res.message)}`);
	plainMsgId = res.message._id;
});

await step('chat.update by the author', async () => {
	const res = await plain.post('/v1/chat.update', { roomId, msgId: plainMsgId, text: 'hi admin (edited)' });
	assert(res.success === true && res.message.msg === 'hi admin (edited)', `answer ${JSON.stringify(res)}`);
	assert(res.message.editedBy && res.message.editedBy.username === users[0].username && res.message.editedAt, `edit marks ${JSON.stringify(res.message)}`);
});

await step('chat.update of another\'s message is rejected with error-action-not-allowed', async () => {
	let rejected;
	try {
		await plain.post('/v1/chat.update', { roomId, msgId: firstMsgId, text: 'hijack' });
	} catch (err) {
		rejected = err;
	}
	assert(rejected instanceof Response && rejected.status === 400, `want a 400 Response, got ${String(rejected)}`);
	const body = await rejected.json();
	assert(body.errorType === 'error-action-not-allowed', `body ${JSON.stringify(body)}`);
});

await step('channels.history newest first, paged by count/offset', async () => {
	const all = await plain.get('/v1/channels.history', { roomId });
	assert(all.success === true && all.messages.length === 2, `history ${JSON.stringify(all)}`);
	assert(all.messages[0]._id === plainMsgId && all.messages[1]._id === firstMsgId, `order ${all.messages.map((m) => m._id)}`);
	const page = await plain.get('/v1/channels.history', { roomId, count: 1, offset: 1 });
	assert(page.messages.length === 1 && page.messages[0]._id === firstMsgId, `page ${JSON.stringify(page.messages)}`);
	const older = await plain.get('/v1/channels.history', { roomId, latest: all.messages[0].ts });
	assert(older.messages.length === 1 && older.messages[0]._id === firstMsgId, `before latest ${JSON.stringify(older.messages)}`);
	return `${all.messages.length} messages`;
});

await step('channels.messages with total', async () => {
	const res = await plain.get('/v1/channels.messages', { roomId, count: 1 });
	assert(res.total === 2 && res.count === 1 && res.messages.length === 1, `answer ${JSON.stringify(res)}`);
});

await step('chat.react, then chat.getMessage shows it', async () => {
	const res = await plain.post('/v1/chat.react', { messageId: firstMsgId, emoji: ':thumbsup:' });
	assert(res.success === true, `answer ${JSON.stringify(res)}`);
	const got = await admin.get('/v1/chat.getMessage', { msgId: firstMsgId });
	const r = got.message.reactions && got.message.reactions[':thumbsup:'];
	assert(r && r.usernames.includes(users[0].username), `reactions ${JSON.stringify(got.message.reactions)}`);
});

let dmId;
const third = new RestClient({ baseUrl: BASE_URL });
await step(`im.create {username} with ${users[1].username}, then chat.sendMessage`, async () => {
	const res = await plain.post('/v1/im.create', { username: users[1].username });
	assert(res.success === true && res.room && res.room.t === 'd', `answer ${JSON.stringify(res)}`);
	dmId = res.room._id;
	const sent = await plain.post('/v1/chat.sendMessage', { message: { rid: dmId, msg: 'psst' } });
	assert(sent.message.rid === dmId && sent.message.msg === 'psst', `sent ${JSON.stringify(sent)}`);
	return `room ${dmId}`;
});

await step(`subscriptions.get: ${users[1].username} has 1 unread in the direct room`, async () => {
	await login(third, users[1].username, PASSWORD);
	const res = await third.get('/v1/subscriptions.get');
	const sub = res.update.find((s) => s.rid === dmId);
	assert(sub && sub.unread === 1 && sub.alert === true && sub.t === 'd', `subscription ${JSON.stringify(sub)}`);
	const hist = await third.get('/v1/im.history', { roomId: dmId });
	assert(hist.messages.length === 1 && hist.messages[0].msg === 'psst', `im.history ${JSON.stringify(hist)}`);
	const ims = await third.get('/v1/im.list');
	assert(ims.ims.some((r) => r._id === dmId), `im.list ${JSON.stringify(ims)}`);
});

await step('subscriptions.read clears unread', async () => {
	const since = new Date(Date.now() - 60_000).toISOString();
	await third.post('/v1/subscriptions.read', { rid: dmId });
	const res = await third.get('/v1/subscriptions.get', { updatedSince: since });
	const sub = res.update.find((s) => s.rid === dmId);
	assert(sub && sub.unread === 0 && sub.alert === false, `subscription ${JSON.stringify(sub)}`);
	assert(Array.isArray(res.remove), `remove ${JSON.stringify(res.remove)}`);
});

await step('rooms.get lists the rooms with their last message', async () => {
	const res = await plain.get('/v1/rooms.get');
	const room = res.update.find((r) => r._id === roomId);
	assert(room && room.lastMessage && room.lastMessage._id === plainMsgId, `room ${JSON.stringify(room)}`);
});

await step('chat.delete by the author; msgs drops', async () => {
	const res = await plain.post('/v1/chat.delete', { roomId, msgId: plainMsgId });
	assert(res.success === true && res._id === plainMsgId, `answer ${JSON.stringify(res)}`);
	const info = await admin.get('/v1/channels.info', { roomId });
	assert(info.channel.msgs === 1, `msgs ${info.channel.msgs}`);
});

await step('settings.public and /api/info without login', async () => {
	const anon = new RestClient({ baseUrl: BASE_URL });
	const st = await anon.get('/v1/settings.public', { _id: 'Message_AllowEditing,Message_MaxAllowedSize' });
	assert(st.settings.length === 2, `settings ${JSON.stringify(st)}`);
	const info = await anon.get('/info');
	assert(typeof info.version === 'string', `info ${JSON.stringify(info)}`);
	return `version ${info.version}`;
});

await step('channels.delete', async () => {
	const res = await admin.post('/v1/channels.delete', { roomId });
	assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
	created.roomId = undefined;
});

for (const u of users) {
	await step(`users.delete ${u.username}`, async () => {
		const res = await admin.post('/v1/users.delete', { userId: u._id });
		assert(res.success === true, `success is ${JSON.stringify(res.success)}`);
		created.users = created.users.filter((c) => c._id !== u._id);
	});
}

console.log('# all steps passed');
