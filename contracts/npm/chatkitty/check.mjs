// Contract check: the official npm client chatkitty-platform-sdk 2.4.0
// (unmodified) against standin's ChatKitty mock.
//
// Usage:
//   npm ci
//   STANDIN_URL=http://127.0.0.1:8080/chatkitty node check.mjs
//
// Configuration (defaults in brackets):
//   STANDIN_URL                [http://127.0.0.1:8080/chatkitty]  the SDK's basePath
//   CHATKITTY_CLIENT_ID        [standin-client]
//   CHATKITTY_CLIENT_SECRET    [standin-secret]
//
// STANDIN_URL is the API root as the SDK expects it: the SDK appends
// "/v1/..." by plain string concatenation, so a path prefix such as
// "/chatkitty" works. The token URL is `${STANDIN_URL}/oauth/token`; the SDK's
// `authorizationBasePath` is the full token URL, not a base. A trailing slash
// would give "//v1/..." (the SDK does not strip it), so it is stripped here.
//
// Namespace: the SDK's ChatKittyConfiguration takes only clientId,
// clientSecret, basePath and authorizationBasePath; the axios Configuration it
// builds inside (where `baseOptions` could carry an X-Standin-Namespace header)
// is private. So the check runs in the default namespace, gives everything it
// creates a per-run unique name, and deletes it again (also after a failure).
//
// Imports: the SDK 2.4.0 cannot send its own multipart imports on Node >= 18.
// Its import operations build the form with the *global* `FormData` (api.ts
// does not import the `form-data` package; only chatkitty.ts does, for the
// token) and its axios 0.26 only sends strings, Buffers and streams: on
// Node >= 18 the global is undici's FormData and axios throws "Data after
// transformation must be a string, an ArrayBuffer, a Buffer, or a Stream"
// before any request is made (on Node < 18 there is no global FormData at all).
// The generated code also sets `Content-Type: multipart/form-data` without a
// boundary, and axios 0.26 (unlike 0.27+) does not add the one of a `form-data`
// body. The SDK's own `formDataCtor` hook is on the private Configuration.
// So, before the import step only, this script does what an integrator has to:
// it makes the global `FormData` the `form-data` package the SDK already
// depends on, and adds a request interceptor on the SDK's axios that sets the
// form's real Content-Type (with its boundary). The SDK itself is untouched.
// The file is passed as an fs read stream, as the SDK documents ("JSON array
// file"): form-data then sends the part with a filename and
// `application/json`; a Buffer would go without a filename, which Spring-style
// servers read as a plain field rather than a file.
//
// Prints one line per step ("ok  <step>" / "FAIL <step>: <why>") and exits
// non-zero on the first failure, after a best-effort cleanup.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { ChatKitty } from 'chatkitty-platform-sdk';

const require = createRequire(import.meta.url);
// The SDK's own copies of axios and form-data (the ones it calls).
const sdkRequire = createRequire(require.resolve('chatkitty-platform-sdk'));
const sdkAxios = sdkRequire('axios');
const FormDataPkg = sdkRequire('form-data');

const env = (name, fallback) => (process.env[name] && process.env[name].trim()) || fallback;
const BASE_URL = env('STANDIN_URL', 'http://127.0.0.1:8080/chatkitty').replace(/\/+$/, '');
const TOKEN_URL = `${BASE_URL}/oauth/token`;
const CLIENT_ID = env('CHATKITTY_CLIENT_ID', 'standin-client');
const CLIENT_SECRET = env('CHATKITTY_CLIENT_SECRET', 'standin-secret');

const out = (line) => process.stdout.write(`${line}\n`);
const j = (v) => JSON.stringify(v);
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

class CheckError extends Error {}

function assert(cond, msg) {
	if (!cond) throw new CheckError(msg);
}

function bodyText(data) {
	if (data === undefined || data === '') return '<empty body>';
	return typeof data === 'string' ? data : j(data);
}

// The SDK rejects non-2xx answers with the axios 0.26 error (response attached).
function describe(err) {
	if (err instanceof CheckError) return err.message;
	if (err && err.isAxiosError) {
		const c = err.config || {};
		const req = `${(c.method || '?').toUpperCase()} ${c.url}`;
		if (err.response) {
			const r = err.response;
			const ctype = (r.headers && r.headers['content-type']) || '?';
			return `SDK threw: HTTP ${r.status} from ${req} (content-type ${ctype}): ${bodyText(r.data)}`;
		}
		return `SDK threw without an HTTP answer from ${req} (${err.code || 'no code'}; is the server at ${BASE_URL}?): ${err.message}`;
	}
	return err && err.stack ? err.stack.split('\n').slice(0, 4).join(' | ') : String(err);
}

// Resources to remove even if a step fails.
const created = { users: new Map(), channels: new Map(), files: new Set() };
const quiet = (p) => p.then(() => {}, () => {});

async function cleanup() {
	for (const id of created.channels.keys()) await quiet(ck.Channels.deleteChannel(id));
	for (const id of created.users.keys()) await quiet(ck.Users.deleteUser(id));
	for (const f of created.files) {
		try {
			fs.unlinkSync(f);
		} catch {
			// already gone
		}
	}
}

async function step(name, fn) {
	let detail;
	try {
		detail = await fn();
	} catch (err) {
		out(`FAIL ${name}: ${describe(err)}`);
		await cleanup();
		process.exit(1);
	}
	out(`ok  ${name}${detail ? ` — ${detail}` : ''}`);
	return detail;
}

// A call the server must refuse: resolves to the axios error, asserting the
// status and (for ApiError bodies) the error code.
async function refused(promise, status, code) {
	let res;
	try {
		res = await promise;
	} catch (err) {
		if (!(err && err.isAxiosError && err.response)) throw err;
		const r = err.response;
		assert(r.status === status, `status ${r.status}, want ${status}: ${describe(err)}`);
		if (code !== undefined) {
			assert(r.data && r.data.error === code, `error ${j(r.data && r.data.error)}, want ${j(code)}: ${describe(err)}`);
		}
		return `HTTP ${r.status} ${bodyText(r.data)}`;
	}
	throw new CheckError(`resolved with HTTP ${res.status} instead of ${status}: ${bodyText(res.data)}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const embedded = (page, key) => {
	assert(page && typeof page === 'object', `page is not an object: ${j(page)}`);
	// Spring HAL may leave `_embedded` out of an empty page.
	const list = page._embedded ? page._embedded[key] : [];
	assert(Array.isArray(list), `_embedded.${key} is not an array: ${j(page)}`);
	return list;
};
const ids = (list) => list.map((x) => x.id);
const sameSet = (a, b) => j([...a].sort((x, y) => x - y)) === j([...b].sort((x, y) => x - y));

function checkUser(u, want) {
	assert(u && typeof u.id === 'number' && Number.isSafeInteger(u.id), `id is not a safe integer: ${j(u)}`);
	for (const [k, v] of Object.entries(want)) {
		assert(isDeepStrictEqual(u[k], v), `${k} is ${j(u[k])}, want ${j(v)}: ${j(u)}`);
	}
}

out(`# chatkitty-platform-sdk 2.4.0 against ${BASE_URL} (requests go to ${BASE_URL}/v1/..., token from ${TOKEN_URL}), client ${CLIENT_ID}`);

const ck = new ChatKitty({
	clientId: CLIENT_ID,
	clientSecret: CLIENT_SECRET,
	basePath: BASE_URL,
	authorizationBasePath: TOKEN_URL,
});

// --------------------------------------------------------------- application
await step('token (implicit) + Application.retrieveAuthenticatedApplication', async () => {
	const { data } = await ck.Application.retrieveAuthenticatedApplication();
	assert(typeof data.id === 'number', `no numeric id: ${j(data)}`);
	assert(typeof data.key === 'string' && data.key, `no key: ${j(data)}`);
	return `application id ${data.id}`;
});

await step('Application.retrieveAuthenticatedApplicationSettings (guest users enabled)', async () => {
	const { data } = await ck.Application.retrieveAuthenticatedApplicationSettings();
	assert(data.guestUsers === 'ENABLED', `guestUsers is ${j(data.guestUsers)}, want "ENABLED": ${j(data)}`);
	return `guestUsers ${data.guestUsers}, userCreatedChannels ${data.userCreatedChannels}`;
});

// --------------------------------------------------------------------- users
const names = {
	native: `npmcheck-native-${suffix}`,
	guest: `npmcheck-guest-${suffix}`,
	third: `npmcheck-third-${suffix}`,
	fourth: `npmcheck-fourth-${suffix}`,
};
const user = {};

await step('Users.createUser (native)', async () => {
	const { data } = await ck.Users.createUser({
		name: names.native,
		displayName: 'NPM Native',
		isGuest: false,
		properties: { source: 'npm-check', run: suffix },
	});
	checkUser(data, { name: names.native, displayName: 'NPM Native', isGuest: false, properties: { source: 'npm-check', run: suffix } });
	user.native = data;
	created.users.set(data.id, data.name);
	return `id ${data.id}`;
});

await step('Users.createUser (guest)', async () => {
	const { data } = await ck.Users.createUser({ name: names.guest, displayName: 'NPM Guest', isGuest: true });
	checkUser(data, { name: names.guest, displayName: 'NPM Guest', isGuest: true });
	user.guest = data;
	created.users.set(data.id, data.name);
	return `id ${data.id}`;
});

for (const k of ['third', 'fourth']) {
	await step(`Users.createUser (${k}, for channel members)`, async () => {
		const { data } = await ck.Users.createUser({ name: names[k], displayName: `NPM ${k}`, isGuest: false });
		checkUser(data, { name: names[k], isGuest: false });
		user[k] = data;
		created.users.set(data.id, data.name);
		return `id ${data.id}`;
	});
}

await step('Users.createUser with a taken name is refused', () =>
	refused(ck.Users.createUser({ name: names.native, displayName: 'Again', isGuest: false }), 400, 'USER_NAME_TAKEN'),
);

for (const k of ['native', 'guest']) {
	await step(`Users.retrieveUser (${k})`, async () => {
		const { data } = await ck.Users.retrieveUser(user[k].id);
		checkUser(data, { id: user[k].id, name: names[k], displayName: user[k].displayName, isGuest: k === 'guest' });
		return `isGuest ${data.isGuest}, presence ${j(data.presence)}`;
	});
}

await step('Users.checkUserExists (existing name) answers 200', async () => {
	const res = await ck.Users.checkUserExists(names.native);
	assert(res.status === 200, `status ${res.status}`);
	return `HTTP ${res.status}`;
});

await step('Users.checkUserExists (unknown name) answers 404', () => refused(ck.Users.checkUserExists(`npmcheck-nobody-${suffix}`), 404));

await step('Users.listUsers with a name filter', async () => {
	const { data } = await ck.Users.listUsers(0, 10, ['name,asc'], names.native);
	const users = embedded(data, 'users');
	assert(sameSet(ids(users), [user.native.id]), `users ${j(users.map((u) => [u.id, u.name]))}, want only ${user.native.id}`);
	assert(data.page && data.page.totalElements === 1 && data.page.number === 0, `page ${j(data.page)}`);
	return `1 user, page ${j(data.page)}`;
});

const picture = {
	url: `https://example.com/avatars/${suffix}.png`,
	name: `${suffix}.png`,
	contentType: 'image/png',
	size: 2048,
};
await step('Users.updateUserDisplayPicture (guest)', async () => {
	const { data } = await ck.Users.updateUserDisplayPicture(user.guest.id, picture);
	checkUser(data, { id: user.guest.id, displayPictureUrl: picture.url });
	return `displayPictureUrl ${data.displayPictureUrl}`;
});

await step('Users.updateUser (merge-patch: guest to native, new displayName)', async () => {
	const { data } = await ck.Users.updateUser(user.guest.id, { isGuest: false, displayName: 'NPM Former Guest' });
	checkUser(data, { id: user.guest.id, name: names.guest, isGuest: false, displayName: 'NPM Former Guest', displayPictureUrl: picture.url });
	return `isGuest ${data.isGuest}, displayName ${j(data.displayName)}`;
});

await step('Users.retrieveUser shows the patch and keeps the picture', async () => {
	const { data } = await ck.Users.retrieveUser(user.guest.id);
	checkUser(data, { isGuest: false, displayName: 'NPM Former Guest', displayPictureUrl: picture.url });
});

// ------------------------------------------------------------------ channels
const chan = {};
const chanNames = { pub: `npmcheck-public-${suffix}`, priv: `npmcheck-private-${suffix}` };

await step('Channels.createChannel (PUBLIC, creator by username)', async () => {
	const { data } = await ck.Channels.createChannel({
		type: 'PUBLIC',
		name: chanNames.pub,
		displayName: 'NPM public',
		creator: { username: names.native },
		properties: { run: suffix },
	});
	assert(data.type === 'PUBLIC' && data.name === chanNames.pub && data.displayName === 'NPM public', `channel ${j(data)}`);
	assert(typeof data.id === 'number', `no numeric id: ${j(data)}`);
	chan.pub = data;
	created.channels.set(data.id, data.name);
	return `id ${data.id}`;
});

await step('Channels.createChannel (PRIVATE, members by id)', async () => {
	const { data } = await ck.Channels.createChannel({
		type: 'PRIVATE',
		name: chanNames.priv,
		displayName: 'NPM private',
		members: [{ id: user.native.id }],
	});
	assert(data.type === 'PRIVATE' && data.name === chanNames.priv, `channel ${j(data)}`);
	chan.priv = data;
	created.channels.set(data.id, data.name);
	return `id ${data.id}`;
});

await step('Channels.createChannel (DIRECT, two users by username)', async () => {
	const { data } = await ck.Channels.createChannel({
		type: 'DIRECT',
		members: [{ username: names.native }, { username: names.guest }],
	});
	assert(data.type === 'DIRECT', `type ${j(data.type)}: ${j(data)}`);
	assert(Array.isArray(data.members) && sameSet(ids(data.members), [user.native.id, user.guest.id]), `members ${j(data.members)}`);
	chan.direct = data;
	created.channels.set(data.id, 'direct');
	return `id ${data.id}, members ${j(ids(data.members))}`;
});

await step('Channels.createChannel (DIRECT, same users) answers the same channel', async () => {
	const { data } = await ck.Channels.createChannel({
		type: 'DIRECT',
		members: [{ id: user.guest.id }, { id: user.native.id }],
	});
	assert(data.id === chan.direct.id, `id ${data.id}, want ${chan.direct.id}`);
	return `id ${data.id}`;
});

await step('Channels.retrieveChannel (PRIVATE)', async () => {
	const { data } = await ck.Channels.retrieveChannel(chan.priv.id);
	assert(data.id === chan.priv.id && data.type === 'PRIVATE' && data.displayName === 'NPM private', `channel ${j(data)}`);
});

await step('Channels.addChannelMember (PUBLIC, by id)', async () => {
	const { data } = await ck.Channels.addChannelMember(chan.pub.id, { id: user.guest.id });
	assert(data.id === chan.pub.id, `answer is not the channel: ${j(data)}`);
});

await step('Channels.addChannelMember (PUBLIC, by username)', async () => {
	const { data } = await ck.Channels.addChannelMember(chan.pub.id, { username: names.third });
	assert(data.id === chan.pub.id, `answer is not the channel: ${j(data)}`);
});

async function members(id) {
	const { data } = await ck.Channels.listChannelMembers(id, 0, 100);
	return embedded(data, 'users');
}
async function moderators(id) {
	const { data } = await ck.Channels.listChannelModerators(id, 0, 100);
	return embedded(data, 'users');
}

await step('Channels.listChannelMembers (PUBLIC) lists both added users', async () => {
	const list = ids(await members(chan.pub.id));
	for (const k of ['guest', 'third']) assert(list.includes(user[k].id), `${k} user ${user[k].id} not in ${j(list)}`);
	return `member ids ${j(list)} (creator ${user.native.id} ${list.includes(user.native.id) ? 'is' : 'is not'} a member)`;
});

await step('Channels.addChannelMember on a DIRECT channel is refused', () =>
	refused(ck.Channels.addChannelMember(chan.direct.id, { id: user.third.id }), 400, 'DIRECT_CHANNEL_MEMBERS_FIXED'),
);

// ---------------------------------------------------------------- moderators
await step('Channels.addChannelModerator (PUBLIC, by id)', async () => {
	const { data } = await ck.Channels.addChannelModerator(chan.pub.id, { id: user.guest.id });
	assert(data.id === user.guest.id, `answer is not the moderator: ${j(data)}`);
});

await step('Channels.listChannelModerators lists the moderator', async () => {
	const list = ids(await moderators(chan.pub.id));
	assert(list.includes(user.guest.id), `${user.guest.id} not in ${j(list)}`);
	return `moderator ids ${j(list)}`;
});

await step('Channels.removeChannelModerator', async () => {
	const { data } = await ck.Channels.removeChannelModerator(chan.pub.id, user.guest.id);
	assert(data.id === chan.pub.id, `answer is not the channel: ${j(data)}`);
});

await step('Channels.listChannelModerators no longer lists them; still a member', async () => {
	const mods = ids(await moderators(chan.pub.id));
	assert(!mods.includes(user.guest.id), `${user.guest.id} still in ${j(mods)}`);
	const mem = ids(await members(chan.pub.id));
	assert(mem.includes(user.guest.id), `${user.guest.id} no longer a member: ${j(mem)}`);
});

await step('Channels.addChannelModerator (PUBLIC, by username)', async () => {
	const { data } = await ck.Channels.addChannelModerator(chan.pub.id, { username: names.third });
	assert(data.id === user.third.id, `answer is not the moderator: ${j(data)}`);
});

await step('Channels.removeChannelMember (a moderator)', async () => {
	const { data } = await ck.Channels.removeChannelMember(chan.pub.id, user.third.id);
	assert(data.id === chan.pub.id, `answer is not the channel: ${j(data)}`);
});

await step('removed member is gone from members and moderators', async () => {
	const mem = ids(await members(chan.pub.id));
	assert(!mem.includes(user.third.id), `${user.third.id} still a member: ${j(mem)}`);
	const mods = ids(await moderators(chan.pub.id));
	assert(!mods.includes(user.third.id), `${user.third.id} still a moderator: ${j(mods)}`);
});

await step('Channels.removeChannelMember of a non-member is refused', () =>
	refused(ck.Channels.removeChannelMember(chan.pub.id, user.third.id), 404),
);

// ------------------------------------------------------------------ messages
const sent = [];
for (const [i, k] of [
	[1, 'guest'],
	[2, 'native'],
]) {
	await step(`Channels.sendChannelMessage (TEXT as ${k} user, #${i})`, async () => {
		const body = `hello ${i} from ${suffix}`;
		const { data } = await ck.Channels.sendChannelMessage(chan.pub.id, { type: 'TEXT', body, user: { username: names[k] } });
		assert(data.type === 'TEXT' && data.body === body, `message ${j(data)}`);
		assert(data.channelId === chan.pub.id, `channelId ${j(data.channelId)}, want ${chan.pub.id}`);
		assert(data.user && data.user.id === user[k].id, `user ${j(data.user)}`);
		sent.push(data);
		return `id ${data.id}`;
	});
}

let older;
await step('Channels.listChannelMessages (size 1) gives the newest, with a next link', async () => {
	const { data } = await ck.Channels.listChannelMessages(chan.pub.id, 1);
	const msgs = embedded(data, 'messages');
	assert(msgs.length === 1 && msgs[0].id === sent[1].id, `messages ${j(ids(msgs))}, want [${sent[1].id}]`);
	const href = data._links && data._links.next && data._links.next.href;
	assert(href, `no _links.next.href: ${j(data._links)}`);
	older = new URL(href, `${BASE_URL}/`);
	assert(older.pathname.endsWith(`/v1/channels/${chan.pub.id}/messages`), `next link points at ${older.pathname}`);
	return `next ${href}`;
});

await step('Channels.listChannelMessages following the next link gives the older message', async () => {
	const q = older.searchParams;
	const num = (k) => (q.has(k) ? Number(q.get(k)) : undefined);
	const { data } = await ck.Channels.listChannelMessages(chan.pub.id, num('size'), num('start'), num('next'), q.get('relation') || undefined);
	const msgs = embedded(data, 'messages');
	assert(msgs.length >= 1 && msgs[0].id === sent[0].id, `messages ${j(ids(msgs))}, want ${sent[0].id} first`);
	return `messages ${j(ids(msgs))}`;
});

// ------------------------------------------------------------------- imports
function enableImportWorkaround() {
	// See the header: the SDK's imports need the `form-data` package as the
	// global FormData, and its boundary in the Content-Type header.
	globalThis.FormData = FormDataPkg;
	sdkAxios.interceptors.request.use((config) => {
		if (config.data instanceof FormDataPkg) {
			for (const h of Object.keys(config.headers)) if (h.toLowerCase() === 'content-type') delete config.headers[h];
			config.headers['Content-Type'] = config.data.getHeaders()['content-type'];
		}
		return config;
	});
}

let job;
await step('Imports.importChannelMembers (PRIVATE, two usernames, JSON file as a stream)', async () => {
	enableImportWorkaround();
	const file = path.join(os.tmpdir(), `npmcheck-members-${suffix}.json`);
	created.files.add(file);
	fs.writeFileSync(file, j([{ username: names.fourth }, { username: names.third, idempotencyKey: `npmcheck-${suffix}` }]));
	const { data } = await ck.Imports.importChannelMembers(chan.priv.id, fs.createReadStream(file));
	assert(data.type === 'CHANNEL_MEMBERS_IMPORT', `type ${j(data.type)}: ${j(data)}`);
	assert(['PENDING', 'RUNNING', 'FINISHED'].includes(data.state), `state ${j(data.state)}: ${j(data)}`);
	job = data;
	return `job ${data.id} ${data.state}`;
});

await step('Jobs.retrieveJob polled until FINISHED', async () => {
	const seen = [job.state];
	const deadline = Date.now() + 30000;
	let cur = job;
	while (cur.state === 'PENDING' || cur.state === 'RUNNING') {
		assert(Date.now() < deadline, `still ${cur.state} after 30 s: ${j(cur)}`);
		await sleep(150);
		({ data: cur } = await ck.Jobs.retrieveJob(job.id));
		assert(cur.id === job.id, `job id ${cur.id}, want ${job.id}`);
		if (seen[seen.length - 1] !== cur.state) seen.push(cur.state);
	}
	assert(cur.state === 'FINISHED', `state ${cur.state}: ${j(cur)}`);
	assert(cur.endedTime, `no endedTime: ${j(cur)}`);
	return `states ${seen.join(' -> ')}`;
});

await step('Channels.listChannelMembers (PRIVATE) shows the imported members', async () => {
	const list = ids(await members(chan.priv.id));
	for (const k of ['native', 'third', 'fourth']) assert(list.includes(user[k].id), `${k} user ${user[k].id} not in ${j(list)}`);
	return `member ids ${j(list)}`;
});

await step('Channels.removeChannelMember (PRIVATE, an imported member)', async () => {
	const { data } = await ck.Channels.removeChannelMember(chan.priv.id, user.fourth.id);
	assert(data.id === chan.priv.id, `answer is not the channel: ${j(data)}`);
	const list = ids(await members(chan.priv.id));
	assert(!list.includes(user.fourth.id), `${user.fourth.id} still a member: ${j(list)}`);
});

// ------------------------------------------------------------------ deletion
for (const k of ['pub', 'priv', 'direct']) {
	await step(`Channels.deleteChannel (${k})`, async () => {
		await ck.Channels.deleteChannel(chan[k].id);
		created.channels.delete(chan[k].id);
	});
}

await step('Channels.retrieveChannel after deletion answers 404', () => refused(ck.Channels.retrieveChannel(chan.pub.id), 404, 'RESOURCE_NOT_FOUND'));

for (const k of ['native', 'guest', 'third', 'fourth']) {
	await step(`Users.deleteUser (${k})`, async () => {
		const { data } = await ck.Users.deleteUser(user[k].id);
		assert(data && typeof data.id === 'number', `answer is not the application: ${j(data)}`);
		created.users.delete(user[k].id);
	});
}

await step('Users.retrieveUser after deletion answers 404', () => refused(ck.Users.retrieveUser(user.native.id), 404, 'RESOURCE_NOT_FOUND'));

await step('Users.checkUserExists after deletion answers 404', () => refused(ck.Users.checkUserExists(names.native), 404));

// ------------------------------------------------------------------ negative
await step('a wrong client secret is refused at the token endpoint (401 invalid_client)', async () => {
	const bad = new ChatKitty({
		clientId: CLIENT_ID,
		clientSecret: `wrong-${suffix}`,
		basePath: BASE_URL,
		authorizationBasePath: TOKEN_URL,
	});
	let res;
	try {
		res = await bad.Users.listUsers();
	} catch (err) {
		if (!(err && err.isAxiosError && err.response)) throw err;
		const r = err.response;
		assert(r.config.url === TOKEN_URL, `the refusal came from ${r.config.url}, not the token URL: ${describe(err)}`);
		assert(r.status === 401 && r.data && r.data.error === 'invalid_client', `want 401 invalid_client: ${describe(err)}`);
		return `HTTP ${r.status} ${bodyText(r.data)}`;
	}
	throw new CheckError(`resolved with HTTP ${res.status}: ${bodyText(res.data)}`);
});

await cleanup();
out('# all steps passed');
