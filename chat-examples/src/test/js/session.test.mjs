// The "session" example (SessionExample), driven as the live chat with session seed's page drives it:
// log in with a form post, then connect with the session cookie.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODES, serverUrl, socket, connect, waitFor, within, record, uniqueName } from "./helpers.mjs";

const URL = serverUrl("SESSION_URL");
const PASSWORD = "parley-demo";

/** Posts the login form; resolves with the response (redirects are not followed). */
function postLogin(username, password) {
  return fetch(URL + "/user/login", {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

/** Logs in and returns the session cookie, "name=value". */
async function login(username) {
  const response = await postLogin(username, PASSWORD);
  assert.equal(response.status, 302);
  assert.equal(response.headers.get("location"), "/chat");
  const cookie = response.headers.get("set-cookie");
  assert.match(cookie, /HttpOnly/);
  return cookie.split(";")[0];
}

const withCookie = (cookie) => ({ extraHeaders: { cookie } });

describe("session example: HTTP", () => {
  it("serves the chat page to a logged-in user and redirects anyone else to the login page", async () => {
    const anonymous = await fetch(URL + "/chat", { redirect: "manual" });
    assert.equal(anonymous.status, 302);
    assert.equal(anonymous.headers.get("location"), "/user/login");

    const root = await fetch(URL + "/", { redirect: "manual" });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get("location"), "/chat");

    const form = await fetch(URL + "/user/login");
    assert.equal(form.status, 200);
    assert.match(await form.text(), /<form method=post action=\/user\/login>/);

    const name = uniqueName("ann");
    const page = await fetch(URL + "/chat", { redirect: "manual", headers: { cookie: await login(name) } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`Logged in as ${name}`));
  });

  it("refuses a wrong password and starts no session", async () => {
    const response = await postLogin(uniqueName("ann"), "wrong");
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("set-cookie"), null);
  });
});

for (const mode of Object.keys(MODES)) {
  describe(`session example: Socket.IO (${mode})`, () => {
    it("refuses a connection without a valid session", async () => {
      for (const options of [{}, withCookie("parley.sid=forged")]) {
        const s = socket(URL, mode, options);
        const error = await within(new Promise((resolve) => s.once("connect_error", resolve)), "connect_error");
        assert.equal(error.message, "Please log in");
      }
    });

    it("greets, announces, relays with the session's name, and announces disconnects", async () => {
      const [aliceName, bobName] = [uniqueName("alice"), uniqueName("bob")];
      const bob = await connect(URL, mode, withCookie(await login(bobName)));

      const announced = waitFor(bob, "broadcast", (m) => m === `${aliceName} connected`);
      const alice = socket(URL, mode, withCookie(await login(aliceName)));
      const greeting = waitFor(alice, "system");
      assert.equal(await greeting, `hello ${aliceName}`);
      await announced;
      const aliceSaw = record(alice, "chat message");

      // The seed's page sends {username, msg}; the name it claims is ignored.
      const first = waitFor(bob, "chat message");
      alice.emit("chat message", { username: "mallory", msg: "hi bob" });
      assert.deepEqual(await first, { username: aliceName, msg: "hi bob" });
      const second = waitFor(bob, "chat message");
      alice.emit("chat message", "plain text");
      assert.deepEqual(await second, { username: aliceName, msg: "plain text" });

      const reply = waitFor(alice, "chat message");
      bob.emit("chat message", { msg: "hi alice" });
      assert.deepEqual(await reply, { username: bobName, msg: "hi alice" });
      assert.deepEqual(aliceSaw, [{ username: bobName, msg: "hi alice" }], "the sender does not get its own messages");

      const gone = waitFor(bob, "broadcast", (m) => m === `${aliceName} disconnected`);
      alice.disconnect();
      await gone;
    });
  });
}
