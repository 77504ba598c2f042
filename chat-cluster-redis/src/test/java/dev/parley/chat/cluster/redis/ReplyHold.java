package dev.parley.chat.cluster.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the test Redis that can hold back what Redis sends on one of the
 * connections made through it, so that a test decides when a reply Redis already gave reaches the
 * engine: commands still reach Redis and run, in order, while their replies wait. Connections are
 * numbered in the order they were accepted (an engine opens its command connection, then its
 * pub/sub one). Thread-safe; one thread per connection and direction, all daemons, ended by close.
 */
public final class ReplyHold implements AutoCloseable {
  private final int redisPort;
  private final ServerSocket server;
  private final List<Link> links = new CopyOnWriteArrayList<>();

  /** One accepted connection: its sockets, and whether Redis's bytes to it are held. */
  private static final class Link {
    final Socket client;
    final Socket redis;
    boolean held;

    Link(Socket client, Socket redis) {
      this.client = client;
      this.redis = redis;
    }

    synchronized void awaitFlowing() throws InterruptedException {
      while (held) {
        wait();
      }
    }

    synchronized void hold(boolean on) {
      held = on;
      notifyAll();
    }
  }

  public ReplyHold(int redisPort) throws IOException {
    this.redisPort = redisPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("reply-hold-accept", this::accept);
  }

  public String uri() {
    return "redis://127.0.0.1:" + server.getLocalPort();
  }

  /** Holds what Redis sends on connection {@code n} (0 is the first accepted) until {@link #release}. */
  public void hold(int n) {
    links.get(n).hold(true);
  }

  public void release(int n) {
    links.get(n).hold(false);
  }

  private void accept() {
    try {
      while (true) {
        Socket client = server.accept();
        Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
        client.setTcpNoDelay(true);
        redis.setTcpNoDelay(true);
        Link link = new Link(client, redis);
        links.add(link);
        daemon("reply-hold-up", () -> pump(client, redis, null));
        daemon("reply-hold-down", () -> pump(redis, client, link));
      }
    } catch (IOException closed) {
      // close() ends the proxy
    }
  }

  private static void pump(Socket from, Socket to, Link gate) {
    byte[] buf = new byte[16384];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (gate != null) {
          gate.awaitFlowing();
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException closed) {
      // either side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Link l : links) {
      l.hold(false);
      closeQuietly(l.client);
      closeQuietly(l.redis);
    }
  }
}
