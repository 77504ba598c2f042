package dev.parley.chat.netty.internal;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed, and the client address that
 * follows from it. Addresses are compared as bytes (IPv4-mapped IPv6 addresses as IPv4), never
 * looked up in DNS. Immutable.
 */
public final class TrustedProxies {
  /** Most {@code X-Forwarded-For} entries looked at, from the right. */
  private static final int MAX_HOPS = 32;

  private record Network(byte[] prefix, int bits) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xFF << (8 - rest) & 0xFF;
      return (address[whole] & mask) == (prefix[whole] & mask);
    }
  }

  private final List<Network> networks;

  private TrustedProxies(List<Network> networks) {
    this.networks = networks;
  }

  /**
   * Parses addresses ({@code "10.0.0.7"}, {@code "::1"}) and CIDR blocks ({@code "10.0.0.0/8"},
   * {@code "fd00::/8"}).
   *
   * @throws IllegalArgumentException for anything else (host names are refused: no DNS)
   */
  public static TrustedProxies parse(Set<String> specs) {
    List<Network> networks = new ArrayList<>();
    for (String spec : specs) {
      int slash = spec.indexOf('/');
      byte[] address = bytes(slash < 0 ? spec : spec.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("trusted proxy must be an IP address or CIDR block, was " + spec);
      }
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(spec.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException("bad prefix length in trusted proxy " + spec);
        }
      }
      networks.add(new Network(address, bits));
    }
    return new TrustedProxies(List.copyOf(networks));
  }

  /** An IP literal's bytes (IPv4-mapped IPv6 as IPv4), or {@code null} if it is not one. */
  static byte[] bytes(String literal) {
    String s = literal.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    byte[] b = NetUtil.createByteArrayFromIpAddressString(s);
    return b == null ? null : normalized(b);
  }

  private static byte[] normalized(byte[] b) {
    if (b.length == 16) {
      boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        return new byte[] {b[12], b[13], b[14], b[15]};
      }
    }
    return b;
  }

  /** The peer's IP address as bytes, or {@code null} if it is not an IP socket. */
  static byte[] bytes(SocketAddress peer) {
    if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
      InetAddress address = inet.getAddress();
      return normalized(address.getAddress());
    }
    return null;
  }

  /** The canonical text of an address's bytes, the key its connections are counted under. */
  static String text(byte[] address) {
    return NetUtil.bytesToIpAddress(address);
  }

  boolean isEmpty() {
    return networks.isEmpty();
  }

  boolean contains(byte[] address) {
    if (address == null) {
      return false;
    }
    for (Network n : networks) {
      if (n.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client behind a trusted proxy: the rightmost {@code X-Forwarded-For} entry that is not itself
   * a trusted proxy, or the leftmost if all are. An entry that is not an IP address (a proxy
   * forwarding a spoofed header from an untrusted hop, say) stops the walk: the address before it,
   * which a trusted proxy vouched for, is the client. Without the header, the proxy itself.
   *
   * @param proxy the bytes of the connection's peer, a trusted proxy
   */
  byte[] client(byte[] proxy, HttpHeaders headers) {
    List<String> entries = new ArrayList<>();
    for (String header : headers.getAll("X-Forwarded-For")) {
      for (String entry : header.split(",", -1)) {
        entries.add(entry);
      }
    }
    byte[] client = proxy;
    for (int i = entries.size() - 1, hops = 0; i >= 0 && hops < MAX_HOPS; i--, hops++) {
      byte[] hop = bytes(stripPort(entries.get(i).strip()));
      if (hop == null) {
        return client;
      }
      client = hop;
      if (!contains(hop)) {
        return hop;
      }
    }
    return client;
  }

  /** {@code "1.2.3.4:80"} and {@code "[::1]:80"} as some proxies write them; IPv6 without brackets as is. */
  private static String stripPort(String entry) {
    if (entry.startsWith("[")) {
      int end = entry.indexOf(']');
      return end < 0 ? entry : entry.substring(0, end + 1);
    }
    int colon = entry.indexOf(':');
    return colon >= 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
  }
}
