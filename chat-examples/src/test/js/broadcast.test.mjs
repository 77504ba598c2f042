// The "broadcast" example (BroadcastExample), driven as the websockets party seed's client drives it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODES, serverUrl, connect, waitFor } from "./helpers.mjs";

const URL = serverUrl("BROADCAST_URL");

for (const mode of Object.keys(MODES)) {
  describe(`broadcast example (${mode})`, () => {
    it("sends a chat event to every client, the sender included", async () => {
      const clients = await Promise.all([1, 2, 3].map(() => connect(URL, mode)));
      const text = `party time over ${mode}`;
      const received = clients.map((c) => waitFor(c, "chat", (data) => data === text));
      clients[0].emit("chat", text);
      assert.deepEqual(await Promise.all(received), [text, text, text]);
    });

    it("passes objects through unchanged", async () => {
      const [a, b] = await Promise.all([connect(URL, mode), connect(URL, mode)]);
      const message = { user: "a", text: "hi", at: 1, tags: ["x"], nested: { ok: true } };
      const received = [a, b].map((c) => waitFor(c, "chat", (data) => data?.text === "hi" && data.user === "a"));
      a.emit("chat", message);
      for (const data of await Promise.all(received)) {
        assert.deepEqual(data, message);
      }
    });
  });
}
