package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.spi.ClientRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes the JSON protocol's decoder (docs/fuzzing.md). Its contract: any text frame decodes to a
 * request, a bad one to {@link ClientRequest.Invalid} with {@code BAD_REQUEST} or {@code
 * UNKNOWN_TYPE}; nothing is ever thrown. A request it accepts encodes back to a frame that decodes
 * to the same request.
 */
class JsonProtocolFuzzTest {
  private static final JsonProtocol PROTOCOL = new JsonProtocol();
  private static final Set<String> REFUSALS = Set.of(ErrorCodes.BAD_REQUEST, ErrorCodes.UNKNOWN_TYPE);

  @FuzzTest(maxDuration = "10s")
  void decode(byte[] input) {
    // A WebSocket text frame is valid UTF-8 by the time it is decoded; this makes any bytes one.
    String frame = new String(input, StandardCharsets.UTF_8);
    ClientRequest request = PROTOCOL.decode(frame);
    assertThat(request).isNotNull();
    if (request instanceof ClientRequest.Invalid invalid) {
      assertThat(invalid.code()).isIn(REFUSALS);
      assertThat(invalid.message()).isNotBlank();
      return;
    }
    // The number rule refuses what could not be sent on as the same value.
    assertThat(FuzzOracles.hasNonFinite(dataOf(request))).isFalse();
    ClientRequest again = PROTOCOL.decode(encode(request));
    assertThat(withoutData(again)).isEqualTo(withoutData(request));
    assertThat(FuzzOracles.comparable(dataOf(again))).isEqualTo(FuzzOracles.comparable(dataOf(request)));
  }

  private static ClientRequest withoutData(ClientRequest request) {
    if (request instanceof ClientRequest.Send s) {
      return new ClientRequest.Send(s.requestId(), s.room(), s.text(), null);
    }
    if (request instanceof ClientRequest.SendPrivate p) {
      return new ClientRequest.SendPrivate(p.requestId(), p.to(), p.text(), null);
    }
    if (request instanceof ClientRequest.Edit e) {
      return new ClientRequest.Edit(e.requestId(), e.room(), e.to(), e.messageId(), e.text(), null);
    }
    return request;
  }

  private static Map<String, Object> dataOf(ClientRequest request) {
    if (request instanceof ClientRequest.Send s) {
      return s.data();
    }
    if (request instanceof ClientRequest.SendPrivate p) {
      return p.data();
    }
    if (request instanceof ClientRequest.Edit e) {
      return e.data();
    }
    return null;
  }

  /** A client's frame for a request, as docs/protocol.md describes it. */
  static String encode(ClientRequest request) {
    JsonObject o = new JsonObject();
    o.addProperty("id", request.requestId());
    if (request instanceof ClientRequest.Join j) {
      o.addProperty("type", "join");
      o.addProperty("room", j.room());
      o.addProperty("username", j.username());
      o.addProperty("since", j.since());
    } else if (request instanceof ClientRequest.Leave l) {
      o.addProperty("type", "leave");
      o.addProperty("room", l.room());
    } else if (request instanceof ClientRequest.Send s) {
      o.addProperty("type", "message");
      o.addProperty("room", s.room());
      o.addProperty("text", s.text());
      o.add("data", JsonValues.toJson(s.data()));
    } else if (request instanceof ClientRequest.SendPrivate p) {
      o.addProperty("type", "private");
      o.addProperty("to", p.to());
      o.addProperty("text", p.text());
      o.add("data", JsonValues.toJson(p.data()));
    } else if (request instanceof ClientRequest.Members m) {
      o.addProperty("type", "members");
      o.addProperty("room", m.room());
    } else if (request instanceof ClientRequest.ClearHistory c) {
      o.addProperty("type", "clear");
      o.addProperty("room", c.room());
    } else if (request instanceof ClientRequest.History h) {
      o.addProperty("type", "history");
      o.addProperty("room", h.room());
      o.addProperty("before", h.before());
      o.addProperty("limit", h.limit());
    } else if (request instanceof ClientRequest.Typing t) {
      o.addProperty("type", "typing");
      o.addProperty("room", t.room());
      o.addProperty("to", t.to());
      o.addProperty("typing", t.typing());
    } else if (request instanceof ClientRequest.Read r) {
      o.addProperty("type", "read");
      o.addProperty("room", r.room());
      o.addProperty("from", r.from());
      o.addProperty("through", r.throughId());
    } else if (request instanceof ClientRequest.Moderate m) {
      o.addProperty("type", "moderate");
      o.addProperty("room", m.room());
      o.addProperty("user", m.user());
      o.addProperty("action", m.action().name().toLowerCase(Locale.ROOT));
      if (m.duration() != null) {
        o.addProperty("duration", m.duration().toMillis() / 1000.0);
      }
      o.addProperty("reason", m.reason());
    } else if (request instanceof ClientRequest.Edit e) {
      o.addProperty("type", "edit");
      o.addProperty("room", e.room());
      o.addProperty("to", e.to());
      o.addProperty("message", e.messageId());
      o.addProperty("text", e.text());
      o.add("data", JsonValues.toJson(e.data()));
    } else if (request instanceof ClientRequest.Delete d) {
      o.addProperty("type", "delete");
      o.addProperty("room", d.room());
      o.addProperty("to", d.to());
      o.addProperty("message", d.messageId());
    } else {
      throw new AssertionError("no frame for " + request);
    }
    return JsonValues.write(o);
  }
}
