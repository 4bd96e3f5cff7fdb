// The admin-revocation flow of the UCS room management API, walked with
// plain fetch() as a frontend would (UCS has no SDK on npm), against a
// running `make run`:
//
//   STANDIN_URL=http://127.0.0.1:8080/ucs node admin-revocation.mjs
//
// It uses the demo users' tokens that `standin serve` prints (override them
// with UCS_ALICE_TOKEN, UCS_BOB_TOKEN, UCS_CAROL_TOKEN to run it against
// another server) and exits non-zero at the first answer that differs
// from what the flow needs. Each run creates its own room.

const base = (process.env.STANDIN_URL ?? "http://127.0.0.1:8080/ucs").replace(/\/$/, "");
const tokens = {
  alice: process.env.UCS_ALICE_TOKEN ?? "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJwcmVmZXJyZWRfdXNlcm5hbWUiOiJhbGljZSIsInN1YiI6ImExMWNlMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSIsImV4cCI6NDEwMjQ0NDgwMH0.RzAmm0xEmuk17qm7FMYU8Kf6W97FiooaEEXsiLH11HU",
  bob: process.env.UCS_BOB_TOKEN ?? "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJwcmVmZXJyZWRfdXNlcm5hbWUiOiJib2IiLCJzdWIiOiJiMGIwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDIiLCJleHAiOjQxMDI0NDQ4MDB9.5vz7WFPvKDXfVXWdTJlOiewCp6_DKwO6HbxDqgK8TQ4",
  carol: process.env.UCS_CAROL_TOKEN ?? "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJwcmVmZXJyZWRfdXNlcm5hbWUiOiJjYXJvbCIsInN1YiI6ImNhMjAxMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMyIsImV4cCI6NDEwMjQ0NDgwMH0.REYzaWNhrGjds5KYShQQqD1t7sXddrvCUB6LOuaaUfk",
};

// subOf reads a token's sub, the user id the API knows the user by.
const subOf = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sub;
const ids = Object.fromEntries(Object.entries(tokens).map(([name, t]) => [name, subOf(t)]));

let step = 0;
async function call(who, method, path, body, wantStatus, wantCode) {
  step++;
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${tokens[who]}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  const ok = res.status === wantStatus && (!wantCode || json.code === wantCode);
  console.log(`${ok ? "ok  " : "FAIL"} ${step}. ${who}: ${method} ${path} -> ${res.status}${json.code ? " " + json.code : ""}`);
  if (!ok) {
    console.error(`want ${wantStatus}${wantCode ? " " + wantCode : ""}; body: ${JSON.stringify(json)}`);
    process.exit(1);
  }
  return json;
}

function expect(cond, what) {
  if (!cond) {
    console.error(`FAIL: ${what}`);
    process.exit(1);
  }
}

const now = Date.now();
const created = await call("alice", "POST", "/room", {
  name: `fetch walk ${new Date(now).toISOString()}`,
  start_time: new Date(now - 60_000).toISOString(),
  end_time: new Date(now + 3_600_000).toISOString(),
}, 200);
const room = created.data.id;
expect(created.data.is_admin && created.data.status === "started", "the creator is an admin of a started room");

await call("alice", "POST", `/admin/room/${room}/participant`, { participant_ids: [ids.bob, ids.carol] }, 200);
await call("bob", "PATCH", `/participant/room/${room}/userprofile`, { username: "Bob" }, 200);
await call("alice", "POST", `/admin/room/${room}/participant/${ids.bob}/admin`, null, 200);
await call("bob", "DELETE", `/admin/room/${room}/participant/${ids.alice}/admin`, null, 200);
await call("alice", "POST", `/admin/room/${room}`, { name: "alice tries" }, 403, "NOT_ADMIN");
await call("bob", "DELETE", `/admin/room/${room}/participant/${ids.bob}/admin`, null, 409, "LAST_ADMIN");
await call("bob", "DELETE", `/admin/room/${room}/participant`, { participant_ids: [ids.bob] }, 409, "LAST_ADMIN");
await call("bob", "POST", `/admin/room/${room}`, { name: "run by bob" }, 200);

const seen = await call("carol", "GET", `/participant/room/${room}`, null, 200);
expect(seen.data.name === "run by bob" && !seen.data.is_admin, "carol sees bob's change and is no admin");
const people = await call("carol", "GET", `/participant/room/${room}/participant`, null, 200);
const admins = people.data.filter((p) => p.is_admin).map((p) => p.participant_id);
expect(admins.length === 1 && admins[0] === ids.bob, `bob is the only admin, got ${admins}`);

await call("bob", "POST", `/admin/room/${room}`, { time_left_in_second: 0, reason: "walk done" }, 200);
console.log("admin revocation walked: bob administers alone, the last admin cannot go");
