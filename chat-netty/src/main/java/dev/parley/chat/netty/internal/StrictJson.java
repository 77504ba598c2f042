package dev.parley.chat.netty.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/**
 * The one parser of JSON that clients send (the JSON protocol's frames, Socket.IO's packets):
 * strict RFC 8259, exactly one value, nested at most {@value #MAX_NESTING} deep. Thread-safe.
 */
public final class StrictJson {
  /** Deep JSON is a cheap way to burn a server's stack and CPU; no protocol's messages are deep. */
  public static final int MAX_NESTING = 32;

  private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

  private StrictJson() {}

  /** Why text was refused. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean trailingData;

    Invalid(boolean trailingData) {
      super(trailingData ? "data after the JSON value" : "not valid JSON", null, false, false);
      this.trailingData = trailingData;
    }

    /** Whether the text began with a valid value but had more after it; else it is not JSON. */
    public boolean trailingData() {
      return trailingData;
    }
  }

  /** The one JSON value {@code text} holds. */
  public static JsonElement parse(String text) throws Invalid {
    JsonElement element;
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(MAX_NESTING);
      element = ELEMENTS.read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new Invalid(true);
      }
    } catch (IOException | RuntimeException e) {
      throw new Invalid(false);
    }
    return element;
  }
}
