package dev.parley.chat.examples;

import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.netty.Tls;

/**
 * Where an example listens: the bind address, the port and, optionally, the TLS certificate and key
 * it serves HTTPS and {@code wss://} with.
 *
 * @param host the address to bind, such as {@code 0.0.0.0} (every interface) or {@code 127.0.0.1}
 * @param port the port; 0 picks a free one
 * @param tls the certificate and key, or {@code null} for plain HTTP
 */
record Listen(String host, int port, Tls tls) {
  /** The examples' bind address when {@code --host} is not given: every interface. */
  static final String DEFAULT_HOST = "0.0.0.0";

  /** Plain HTTP on every interface, on this port. */
  static Listen port(int port) {
    return new Listen(DEFAULT_HOST, port, null);
  }

  /** A configuration builder that listens here; the example adds its own settings. */
  NettyConfig.Builder config() {
    return NettyConfig.builder().host(host).port(port).tls(tls);
  }

  /** The address a browser on this machine opens, given the port actually bound. */
  String url(int boundPort) {
    String where = host.equals("0.0.0.0") || host.equals("::") ? "localhost"
        : host.contains(":") ? "[" + host + "]" : host;
    return (tls == null ? "http" : "https") + "://" + where + ":" + boundPort + "/";
  }
}
