package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the transport-neutral {@link Handshake} from what Netty saw. */
public final class Handshakes {
  private Handshakes() {}

  public static Handshake of(SocketAddress remote, String uri, HttpHeaders headers) {
    QueryStringDecoder query = new QueryStringDecoder(uri);
    Map<String, List<String>> headerMap = new LinkedHashMap<>();
    headers.forEach(h -> headerMap.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
    String address = remote == null ? "" : remote.toString().replaceFirst("^.*/", "");
    return new Handshake(address, query.path(), query.parameters(), headerMap);
  }
}
