// Contract check: the official npm SDK @ethora/sdk-backend (unmodified)
// against standin's Ethora mock.
//
// Usage:
//   npm ci
//   ETHORA_CHAT_API_URL=http://127.0.0.1:8080/ethora node check.mjs
//
// Configuration is the SDK's own environment variables (defaults in brackets):
//   ETHORA_CHAT_API_URL     [http://127.0.0.1:8080/ethora]
//   ETHORA_CHAT_APP_ID      [standin-app]
//   ETHORA_CHAT_APP_SECRET  [standin-secret]
//
// ETHORA_CHAT_API_URL is the API root as the SDK expects it: the SDK appends
// "/v1/..." or "/v2/..." by plain string concatenation, so a path prefix such as
// "/ethora" works and the requests go to `${ETHORA_CHAT_API_URL}/v2/...`. Do not
// put "/v1" or "/v2" in it. A trailing slash would give "//v2/..." (the SDK does
// not strip it), so this script strips it before the SDK reads the variable.
//
// The SDK logs every call through console.debug/info/warn/error. Those lines are
// held back and printed only when a step fails (or always with
// ETHORA_CHECK_VERBOSE=1), so the normal output is one line per step
// ("ok  <step>" / "FAIL <step>: <why>"). Exit status is non-zero on the first
// failure, after a best-effort cleanup of what the run created.
import { getEthoraSDKService } from '@ethora/sdk-backend';

const env = (name, fallback) => (process.env[name] && process.env[name].trim()) || fallback;
const API_URL = env('ETHORA_CHAT_API_URL', env('STANDIN_URL', 'http://127.0.0.1:8080/ethora')).replace(/\/+$/, '');
const APP_ID = env('ETHORA_CHAT_APP_ID', 'standin-app');
const APP_SECRET = env('ETHORA_CHAT_APP_SECRET', 'standin-secret');
// The SDK reads these when getEthoraSDKService() builds the instance (its config
// argument can override app id and secret, never the URL).
process.env.ETHORA_CHAT_API_URL = API_URL;
process.env.ETHORA_CHAT_APP_ID = APP_ID;
process.env.ETHORA_CHAT_APP_SECRET = APP_SECRET;

const VERBOSE = process.env.ETHORA_CHECK_VERBOSE === '1';
const sdkLog = [];
for (const level of ['debug', 'info', 'warn', 'error']) {
	const orig = console[level].bind(console);
	console[level] = (...args) => {
		if (VERBOSE) orig(...args);
		else sdkLog.push(args.map((a) => (a instanceof Error ? a.stack : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
	};
}
const out = (line) => process.stdout.write(`${line}\n`);

const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

class CheckError extends Error {}

function assert(cond, msg) {
	if (!cond) throw new CheckError(msg);
}

const j = (v) => JSON.stringify(v);
// What the SDK returns is the response body plus a client-side `url` property.
const body = (res) => {
	if (!res || typeof res !== 'object') return j(res);
	const { url, ...rest } = res;
	return j(rest);
};

function bodyText(data) {
	return typeof data === 'string' ? data : j(data);
}

// The SDK wraps every non-2xx answer in a plain Error (not an AxiosError) with
// .status, .url and .response (the axios response) set.
function describe(err) {
	if (err instanceof CheckError) return err.message;
	if (err && err.response) {
		const r = err.response;
		const ctype = (r.headers && (r.headers['content-type'] || r.headers['Content-Type'])) || '?';
		const method = (err.config && err.config.method ? err.config.method : '?').toUpperCase();
		return `SDK threw: HTTP ${err.status} from ${method} ${err.url} (content-type ${ctype}): ${bodyText(r.data)}`;
	}
	// Connection refused / timeout: the SDK wraps the AxiosError without its code.
	if (err && err.status !== undefined) return `SDK threw without an HTTP answer (connection failed or timed out; is the server at ${API_URL}?): ${String(err.message).split('\n')[0]}`;
	return err && err.stack ? err.stack.split('\n').slice(0, 3).join(' | ') : String(err);
}

// Resources to remove even if a step fails.
const created = {
	users: new Set(), // default app, plain uuids
	room: undefined, // default app chat uuid
	childApp: undefined,
	childUsers: new Set(),
	childRoom: undefined,
	tokens: new Set(),
};

async function step(name, fn) {
	const mark = sdkLog.length;
	let detail;
	try {
		detail = await fn();
	} catch (err) {
		out(`FAIL ${name}: ${describe(err)}`);
		const logs = sdkLog.slice(mark);
		if (logs.length) {
			out('# SDK log for the failed step:');
			for (const l of logs) out(`#   ${l.replace(/\n/g, '\n#   ')}`);
		}
		await cleanup();
		process.exit(1);
	}
	out(`ok  ${name}${detail ? ` — ${detail}` : ''}`);
	return detail;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function poll(fn, done, { timeoutMs = 30000, intervalMs = 300 } = {}) {
	const start = Date.now();
	let last;
	for (;;) {
		last = await fn();
		if (done(last)) return last;
		if (Date.now() - start > timeoutMs) throw new CheckError(`still not done after ${timeoutMs} ms: ${body(last)}`);
		await sleep(intervalMs);
	}
}

const quiet = (p) => p.then(() => {}, () => {});

async function cleanup() {
	if (created.childApp) {
		const a = created.childApp;
		for (const t of created.tokens) await quiet(sdk.revokeAppToken(a, t));
		if (created.childRoom) await quiet(sdk.deleteChatRoomInApp(a, created.childRoom));
		if (created.childUsers.size) await quiet(sdk.deleteUsersInApp(a, [...created.childUsers]));
		await quiet(sdk.deleteApp(a));
	}
	if (created.room) await quiet(sdk.deleteChatRoom(created.room));
	if (created.users.size) await quiet(sdk.deleteUsers([...created.users]));
}

const xmpp = (appId, uuid) => `${appId}_${uuid}`;
const arrayIn = (res, ...keys) => {
	for (const k of keys) if (res && Array.isArray(res[k])) return res[k];
	return undefined;
};
const memberNames = (chat) => (chat.members || []).map((m) => (typeof m === 'string' ? m : m.xmppUsername)).sort();
const sameSet = (a, b) => j([...a].sort()) === j([...b].sort());

out(`# @ethora/sdk-backend against ${API_URL} (requests go to ${API_URL}/v1/... and ${API_URL}/v2/...), app ${APP_ID}`);

// README "Basic Integration": the singleton from getEthoraSDKService().
const sdk = getEthoraSDKService();

// ---------------------------------------------------------------- default app
const u1 = `npmcheck-u1-${suffix}`;
const u2 = `npmcheck-u2-${suffix}`;
const room = `npmcheck-room-${suffix}`;
const roomName = xmpp(APP_ID, room);

for (const [uid, first, last] of [
	[u1, 'Alice', 'Checker'],
	[u2, 'Bob', 'Checker'],
]) {
	await step(`createUser ${uid}`, async () => {
		const res = await sdk.createUser(uid, { email: `${uid}@example.com`, firstName: first, lastName: last });
		created.users.add(uid);
		assert(res && typeof res === 'object', `answer is not an object: ${j(res)}`);
		return body(res);
	});
}

await step(`createChatRoom ${room}`, async () => {
	const res = await sdk.createChatRoom(room, { title: `NPM check ${suffix}`, uuid: room, type: 'group' });
	created.room = room;
	assert(res.result && res.result.name === roomName, `result.name is ${j(res.result && res.result.name)}, want ${j(roomName)}: ${body(res)}`);
	return `result.name ${res.result.name}, _id ${res.result._id}`;
});

await step('grantUserAccessToChatRoom (one user)', async () => {
	const res = await sdk.grantUserAccessToChatRoom(room, u1);
	return body(res);
});

await step('grantUserAccessToChatRoom (array of both users)', async () => {
	const res = await sdk.grantUserAccessToChatRoom(room, [u1, u2]);
	return body(res);
});

await step('getUsers({chatName}) lists both users', async () => {
	const res = await sdk.getUsers({ chatName: roomName });
	assert(Array.isArray(res.results), `results is not an array: ${body(res)}`);
	const got = res.results.map((u) => u.xmppUsername);
	const want = [xmpp(APP_ID, u1), xmpp(APP_ID, u2)];
	assert(sameSet(got, want), `xmppUsernames ${j(got)}, want ${j(want)}`);
	return `results.length ${res.results.length}`;
});

await step('updateUsers (firstName of user 1)', async () => {
	const res = await sdk.updateUsers([{ xmppUsername: xmpp(APP_ID, u1), firstName: 'Alicia' }]);
	assert(Array.isArray(res.results) && res.results.length === 1, `results: ${body(res)}`);
	const r = res.results[0];
	assert(r.status === 'updated', `results[0].status is ${j(r.status)}: ${body(res)}`);
	assert(r.xmppUsername === xmpp(APP_ID, u1), `results[0].xmppUsername is ${j(r.xmppUsername)}`);
	return `results[0] status ${r.status}, user.firstName ${j(r.user && r.user.firstName)}`;
});

await step('getUsers({xmppUsername}) shows the new firstName', async () => {
	const res = await sdk.getUsers({ xmppUsername: xmpp(APP_ID, u1) });
	assert(Array.isArray(res.results) && res.results.length === 1, `results: ${body(res)}`);
	assert(res.results[0].firstName === 'Alicia', `firstName is ${j(res.results[0].firstName)}`);
});

await step('getAppUserByXmppUsername (user 1)', async () => {
	const res = await sdk.getAppUserByXmppUsername(xmpp(APP_ID, u1));
	const s = body(res);
	assert(s.includes(xmpp(APP_ID, u1)) || s.includes(u1), `answer does not mention the user: ${s}`);
	return s.length > 300 ? `${s.slice(0, 300)}…` : s;
});

const newTitle = `NPM check renamed ${suffix}`;
const newDescription = 'set by contracts/npm/ethora';
await step('updateChatRoom (title, description)', async () => {
	const res = await sdk.updateChatRoom(room, { title: newTitle, description: newDescription });
	return body(res);
});

await step('getUserChats(user 1, {includeMembers:true}) has the room, new title, both members', async () => {
	const res = await sdk.getUserChats(u1, { includeMembers: true });
	assert(Array.isArray(res.chats), `chats is not an array: ${body(res)}`);
	const chat = res.chats.find((c) => c.name === roomName);
	assert(chat, `no chat named ${roomName} in ${j(res.chats.map((c) => c.name))}`);
	assert(chat.title === newTitle, `title is ${j(chat.title)}, want ${j(newTitle)}`);
	assert(chat.description === newDescription, `description is ${j(chat.description)}`);
	const members = memberNames(chat);
	assert(sameSet(members, [xmpp(APP_ID, u1), xmpp(APP_ID, u2)]), `members ${j(members)}`);
	return `${res.chats.length} chat(s), members ${j(members)}`;
});

await step('removeUserAccessFromChatRoom (user 2)', async () => {
	const res = await sdk.removeUserAccessFromChatRoom(room, u2);
	return body(res);
});

await step('getUsers({chatName}) now lists only user 1', async () => {
	const res = await sdk.getUsers({ chatName: roomName });
	const got = (res.results || []).map((u) => u.xmppUsername);
	assert(sameSet(got, [xmpp(APP_ID, u1)]), `xmppUsernames ${j(got)}`);
});

await step('deleteChatRoom', async () => {
	const res = await sdk.deleteChatRoom(room);
	assert(!(res && res.ok === false), `SDK reported not found: ${body(res)}`);
	created.room = undefined;
	return body(res);
});

await step('deleteChatRoom again resolves gracefully (422 "not found" path)', async () => {
	const res = await sdk.deleteChatRoom(room);
	assert(res && res.ok === false && res.reason === 'Chat room not found', `SDK returned ${j(res)}, want {ok:false, reason:"Chat room not found"}`);
	return j(res);
});

await step('deleteUsers (both)', async () => {
	const res = await sdk.deleteUsers([u1, u2]);
	assert(!(res && res.ok === false), `SDK reported not found: ${body(res)}`);
	created.users.clear();
	return body(res);
});

await step('deleteUsers again resolves gracefully (422 "not found" path)', async () => {
	const res = await sdk.deleteUsers([u1, u2]);
	assert(res && res.ok === false, `SDK returned ${j(res)}, want {ok:false}`);
	return j(res);
});

await step('deleteUsers([]) resolves: an empty list deletes nobody', async () => {
	const res = await sdk.deleteUsers([]);
	assert(res && res.ok === true && res.deleted === 0, `SDK returned ${j(res)}, want {ok:true, deleted:0}`);
	return body(res);
});

// ---------------------------------------------------- README Use Case 0 (tenant admin)
let childAppId;
const cu1 = `npmcheck-c1-${suffix}`;
const cu2 = `npmcheck-c2-${suffix}`;
const croom = `npmcheck-croom-${suffix}`;
let croomName;

await step('createApp (child app)', async () => {
	const app = await sdk.createApp({ displayName: `NPM check ${suffix}` });
	// Exactly the README's extraction.
	childAppId = String(app.app?._id || app.result?._id || '');
	assert(childAppId, `neither app._id nor result._id in ${body(app)}`);
	created.childApp = childAppId;
	croomName = xmpp(childAppId, croom);
	return `appId ${childAppId}`;
});

await step('listApps lists the child app', async () => {
	const res = await sdk.listApps({ limit: 100, offset: 0, order: 'desc', orderBy: 'createdAt' });
	const apps = arrayIn(res, 'apps', 'results', 'items');
	assert(apps, `no apps array in ${body(res)}`);
	assert(apps.some((a) => a._id === childAppId), `child ${childAppId} not in ${j(apps.map((a) => a._id))}`);
	return `${apps.length} app(s), total ${j(res.total)}`;
});

await step('listApps with limit 1000 is served, at most 500 (the v1 Swagger bound)', async () => {
	const res = await sdk.listApps({ limit: 1000 });
	assert(res.limit === 500 && Array.isArray(res.apps), `limit ${j(res.limit)}: ${body(res)}`);
	return `limit ${res.limit}, ${res.apps.length} app(s)`;
});

await step('getApp (child app)', async () => {
	const res = await sdk.getApp(childAppId);
	const app = res.app || res.result;
	assert(app && app._id === childAppId, `app._id is ${j(app && app._id)}: ${body(res)}`);
	return `displayName ${j(app.displayName)}, parentAppId ${j(app.parentAppId)}`;
});

let usersJobId;
await step('createUsersInApp (2 users, async job)', async () => {
	const res = await sdk.createUsersInApp(childAppId, {
		bypassEmailConfirmation: true,
		usersList: [
			{ uuid: cu1, email: `${cu1}@example.com`, firstName: 'Workspace', lastName: 'One' },
			{ uuid: cu2, email: `${cu2}@example.com`, firstName: 'Workspace', lastName: 'Two' },
		],
	});
	created.childUsers.add(cu1);
	created.childUsers.add(cu2);
	usersJobId = res.jobId;
	assert(usersJobId, `no jobId in ${body(res)}`);
	return body(res);
});

await step('getUsersBatchJob polled until completed', async () => {
	const job = await poll(
		() => sdk.getUsersBatchJob(childAppId, usersJobId),
		(r) => r && (r.state === 'completed' || r.state === 'failed'),
	);
	assert(job.state === 'completed', `state ${j(job.state)}: ${body(job)}`);
	const results = job.result && job.result.results;
	assert(Array.isArray(results) && results.length === 2, `result.results: ${body(job)}`);
	const names = results.map((r) => r.xmppUsername);
	assert(sameSet(names, [xmpp(childAppId, cu1), xmpp(childAppId, cu2)]), `xmppUsernames ${j(names)}`);
	assert(results.every((r) => r.status === 'created'), `statuses ${j(results.map((r) => r.status))}`);
	return `state completed, statuses ${j(results.map((r) => r.status))}`;
});

// The backend's UserDataB2B sets no length on lastName (the SDK's own
// createUser raises a short one; createUsersInApp sends it as given).
const cu3 = `npmcheck-c3-${suffix}`;
await step('createUsersInApp with a one-letter lastName creates the user', async () => {
	const res = await sdk.createUsersInApp(childAppId, { bypassEmailConfirmation: true, usersList: [{ uuid: cu3, email: `${cu3}@example.com`, firstName: 'Short', lastName: 'B' }] });
	created.childUsers.add(cu3);
	const job = await poll(
		() => sdk.getUsersBatchJob(childAppId, res.jobId),
		(r) => r && (r.state === 'completed' || r.state === 'failed'),
	);
	const r = job.result && job.result.results && job.result.results[0];
	assert(job.state === 'completed' && r && r.status === 'created', `job ${body(job)}`);
	return `status ${j(r.status)}`;
});

await step('createChatRoomInApp', async () => {
	const res = await sdk.createChatRoomInApp(childAppId, croom, { title: 'Workspace Room', uuid: croom, type: 'public' });
	created.childRoom = croom;
	const name = (res.result && (res.result.name || res.result.jid)) || res.name;
	assert(name === croomName, `result.name is ${j(name)}, want ${j(croomName)}: ${body(res)}`);
	return `result.name ${name}`;
});

await step('grantUserAccessToChatRoomInApp (both users)', async () => {
	const res = await sdk.grantUserAccessToChatRoomInApp(childAppId, croom, [cu1, cu2]);
	return body(res);
});

await step('grantUserAccessToChatRoomInApp with no users resolves', async () => {
	const res = await sdk.grantUserAccessToChatRoomInApp(childAppId, croom, []);
	assert(Array.isArray(res.details) && res.details.length === 0, `details ${body(res)}`);
	return body(res);
});

await step('createChatRoomInApp with a type beyond the known ones keeps it', async () => {
	const res = await sdk.createChatRoomInApp(childAppId, `${croom}-typed`, { type: 'channel' });
	assert(res.result && res.result.type === 'channel', `result.type: ${body(res)}`);
	return `result.type ${j(res.result.type)}`;
});

await step('getUserChatsInApp(user 1, {includeMembers:true}) has the room with both members', async () => {
	const res = await sdk.getUserChatsInApp(childAppId, cu1, { includeMembers: true });
	assert(Array.isArray(res.chats), `chats is not an array: ${body(res)}`);
	const chat = res.chats.find((c) => c.name === croomName);
	assert(chat, `no chat named ${croomName} in ${j(res.chats.map((c) => c.name))}`);
	const members = memberNames(chat);
	assert(sameSet(members, [xmpp(childAppId, cu1), xmpp(childAppId, cu2)]), `members ${j(members)}`);
	return `members ${j(members)}`;
});

await step('listChatsInApp lists the room', async () => {
	const res = await sdk.listChatsInApp(childAppId, { limit: 50, offset: 0, includeMembers: true });
	const chats = arrayIn(res, 'chats', 'results', 'items');
	assert(chats, `no chats array in ${body(res)}`);
	assert(chats.some((c) => c.name === croomName), `${croomName} not in ${j(chats.map((c) => c.name))}`);
	return `${chats.length} chat(s)`;
});

// App tokens (on the child app).
let tokenId;
let tokenSecret;
await step('createAppToken', async () => {
	const res = await sdk.createAppToken(childAppId, { label: `npmcheck-${suffix}` });
	tokenId = res.tokenId;
	tokenSecret = res.token;
	assert(tokenId, `no tokenId in ${body(res)}`);
	created.tokens.add(tokenId);
	assert(typeof tokenSecret === 'string' && tokenSecret, `no one-time token value in ${body(res)}`);
	return `tokenId ${tokenId}, keys ${j(Object.keys(res).filter((k) => k !== 'url'))}`;
});

await step('listAppTokens lists it', async () => {
	const res = await sdk.listAppTokens(childAppId);
	const tokens = arrayIn(res, 'tokens', 'items', 'results');
	assert(tokens, `no tokens array in ${body(res)}`);
	assert(tokens.some((t) => t.tokenId === tokenId), `tokenId ${tokenId} not in ${body(res)}`);
	return `${tokens.length} token(s)`;
});

await step('a request made with the app token sets its lastUsedAt', async () => {
	// The SDK always signs its own JWT; the token is used as any client would.
	const r = await fetch(`${API_URL}/v2/apps/${childAppId}/chats`, { headers: { 'x-custom-token': tokenSecret } });
	assert(r.status === 200, `GET with the app token: HTTP ${r.status} ${await r.text()}`);
	const res = await sdk.listAppTokens(childAppId);
	const t = arrayIn(res, 'tokens', 'items', 'results').find((x) => x.tokenId === tokenId);
	assert(t && typeof t.lastUsedAt === 'string' && !Number.isNaN(Date.parse(t.lastUsedAt)), `lastUsedAt: ${j(t)}`);
	return `lastUsedAt ${t.lastUsedAt}`;
});

await step('rotateAppToken', async () => {
	const res = await sdk.rotateAppToken(childAppId, tokenId, { label: `npmcheck-rotated-${suffix}` });
	const newId = res.tokenId;
	assert(newId, `no tokenId in ${body(res)}`);
	assert(typeof res.token === 'string' && res.token && res.token !== tokenSecret, `token value not renewed: ${body(res)}`);
	const same = newId === tokenId;
	if (!same) {
		created.tokens.add(newId);
		tokenId = newId;
	}
	return `tokenId ${newId} (${same ? 'same id' : 'new id'}), new token value`;
});

await step('revokeAppToken', async () => {
	const res = await sdk.revokeAppToken(childAppId, tokenId);
	created.tokens.delete(tokenId);
	return body(res);
});

await step('listAppTokens no longer shows it active', async () => {
	const res = await sdk.listAppTokens(childAppId);
	const tokens = arrayIn(res, 'tokens', 'items', 'results');
	assert(tokens, `no tokens array in ${body(res)}`);
	const t = tokens.find((x) => x.tokenId === tokenId);
	assert(!t || t.status !== 'active', `still active: ${j(t)}`);
	return t ? `status ${j(t.status)}` : 'gone from the list';
});

// Bot.
await step('getAppBot', async () => {
	const res = await sdk.getAppBot(childAppId);
	return body(res);
});

await step('updateAppBot then getAppBot reflects it', async () => {
	const payload = { status: 'on', greetingMessage: `hello ${suffix}`, botFirstName: 'Check', botLastName: 'Bot' };
	await sdk.updateAppBot(childAppId, payload);
	const res = await sdk.getAppBot(childAppId);
	const s = body(res);
	assert(s.includes(`hello ${suffix}`), `getAppBot does not show the new greetingMessage: ${s}`);
	return s;
});

await step('updateAppBot with a status beyond on/off keeps it', async () => {
	await sdk.updateAppBot(childAppId, { status: 'paused' });
	const res = await sdk.getAppBot(childAppId);
	assert(res.bot && res.bot.status === 'paused', `getAppBot: ${body(res)}`);
	return `status ${j(res.bot.status)}`;
});

// Broadcast.
let broadcastJobId;
await step('broadcastToAppChats (chatNames)', async () => {
	const res = await sdk.broadcastToAppChats(childAppId, { text: `broadcast ${suffix}`, chatNames: [croomName] });
	broadcastJobId = res.jobId;
	assert(broadcastJobId, `no jobId in ${body(res)}`);
	return body(res);
});

await step('getAppBroadcastJob polled until completed', async () => {
	const job = await poll(
		() => sdk.getAppBroadcastJob(childAppId, broadcastJobId),
		(r) => r && (r.state === 'completed' || r.state === 'failed'),
	);
	assert(job.state === 'completed', `state ${j(job.state)}: ${body(job)}`);
	return body(job);
});

await step('removeUserAccessFromChatRoomInApp (user 2)', async () => {
	const res = await sdk.removeUserAccessFromChatRoomInApp(childAppId, croom, cu2);
	return body(res);
});

await step('getUserChatsInApp(user 2) no longer has the room', async () => {
	const res = await sdk.getUserChatsInApp(childAppId, cu2, { includeMembers: true });
	assert(Array.isArray(res.chats), `chats is not an array: ${body(res)}`);
	assert(!res.chats.some((c) => c.name === croomName), `still has ${croomName}`);
});

await step('deleteChatRoomInApp', async () => {
	const res = await sdk.deleteChatRoomInApp(childAppId, croom);
	created.childRoom = undefined;
	return body(res);
});

await step('deleteUsersInApp (both)', async () => {
	const res = await sdk.deleteUsersInApp(childAppId, [cu1, cu2]);
	created.childUsers.clear();
	return body(res);
});

await step('deleteUsersInApp with no users resolves', async () => {
	const res = await sdk.deleteUsersInApp(childAppId, []);
	assert(res && res.ok === true && res.deleted === 0, `SDK returned ${body(res)}, want {ok:true, deleted:0}`);
	return body(res);
});

await step('deleteApp (child app)', async () => {
	const res = await sdk.deleteApp(childAppId);
	created.childApp = undefined;
	return body(res);
});

await step('getApp on the deleted child app is rejected', async () => {
	let res;
	try {
		res = await sdk.getApp(childAppId);
	} catch (err) {
		assert(err.status >= 400 && err.status < 500, describe(err));
		return `HTTP ${err.status}: ${bodyText(err.response && err.response.data)}`;
	}
	throw new CheckError(`resolved: ${body(res)}`);
});

// ------------------------------------------------------------------- negative
await step('wrong app secret is rejected with 401', async () => {
	// README: a config argument overrides app id / secret and yields a new instance.
	const bad = getEthoraSDKService({ chatAppId: APP_ID, chatAppSecret: `wrong-${suffix}` });
	assert(bad !== sdk, 'getEthoraSDKService(config) returned the singleton');
	let res;
	try {
		res = await bad.getUsers();
	} catch (err) {
		assert(err.response, describe(err));
		assert(err.status === 401, `status ${err.status}, want 401: ${describe(err)}`);
		const ctype = err.response.headers['content-type'];
		return `SDK threw; status ${err.status} (${ctype}) body ${bodyText(err.response.data)}`;
	}
	throw new CheckError(`SDK resolved instead of throwing: ${body(res)}`);
});

out('# all steps passed');
