// Writes tokens.csv for chat.yml: one line "token,roomId" per virtual user, users spread over rooms.
//   JWT_SECRET=... node tokens.js [users=200] [roomSize=20] [url]     mints HS256 tokens (users art-<k>)
//   node tokens.js [users] [roomSize] http://127.0.0.1:8000          no JWT_SECRET: signs in guests (POST /api/auth/guest)
// Artillery's socketio engine connects before the first step of a scenario, so the token must already be
// in the virtual user's variables: a CSV payload is the way Artillery gives each user its own.
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const users = Number(process.argv[2] || 200);
const roomSize = Number(process.argv[3] || 20);
const url = process.argv[4] || process.env.TARGET || "http://127.0.0.1:8000";
const secret = process.env.JWT_SECRET || "";
const TTL_SECONDS = 2 * 60 * 60;

const b64url = (s) => Buffer.from(s).toString("base64url");
function mint(sub) {
  const input = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" })) + "."
    + b64url(JSON.stringify({ sub, name: sub, exp: Math.floor(Date.now() / 1000) + TTL_SECONDS }));
  return input + "." + crypto.createHmac("sha256", secret).update(input).digest("base64url");
}

async function guest(name) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url + "/api/auth/guest", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }),
    });
    if (res.ok) return (await res.json()).token;
    if ((res.status === 429 || res.status === 503) && attempt < 30) { // rate-limited or busy: wait as told
      const wait = Number(res.headers.get("retry-after") || 1);
      await new Promise((r) => setTimeout(r, Math.min(10, wait) * 1000));
      continue;
    }
    throw new Error(`POST /api/auth/guest answered ${res.status}: ${await res.text()}`);
  }
}

(async () => {
  const lines = [];
  for (let k = 0; k < users; k++) {
    const token = secret ? mint("art-" + k) : await guest("art " + k);
    lines.push(`${token},art-r${Math.floor(k / roomSize)}`);
  }
  fs.writeFileSync(path.join(__dirname, "tokens.csv"), lines.join("\n") + "\n");
  console.log(`tokens.csv: ${users} ${secret ? "minted" : "guest"} tokens, rooms of ${roomSize}`);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
