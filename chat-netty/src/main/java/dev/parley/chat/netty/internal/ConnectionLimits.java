package dev.parley.chat.netty.internal;

import dev.parley.chat.netty.NettyConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection caps of one server: open connections, connections per client address, handshakes
 * in progress and the accept rate. Counters are atomic and the per-address counts live in a
 * concurrent map whose entries go when they reach zero, so nothing here blocks an event loop or grows
 * without bound. Thread-safe; each connection's own bookkeeping is touched only on its event loop.
 */
final class ConnectionLimits {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);
  private static final AttributeKey<Counted> COUNTED = AttributeKey.valueOf("parley.counted");
  private static final AttributeKey<String> CLIENT = AttributeKey.valueOf("parley.clientAddress");

  /**
   * Refused connections that may be open at once while they wait for their request to answer it;
   * past this, a refused connection is closed as soon as it is accepted. The default
   * {@code maxConnections} leaves far more than this below the open-file limit.
   */
  static final int MAX_REFUSING = 64;

  /** What happens to a new connection, or to a request. */
  enum Verdict {
    ADMITTED(null, null, null),
    /** Over the total, the handshake or the accept-rate cap: try again shortly. */
    BUSY(HttpResponseStatus.SERVICE_UNAVAILABLE, "1", "Server busy, try again later\n"),
    /** Over the cap of connections from one client address. */
    ADDRESS_FULL(HttpResponseStatus.TOO_MANY_REQUESTS, "10", "Too many connections from your address\n"),
    /** Refused, with too many refusals already waiting to be answered: closed without an answer. */
    DROPPED(null, null, null);

    final HttpResponseStatus status;
    final String retryAfterSeconds;
    final String body;

    Verdict(HttpResponseStatus status, String retryAfterSeconds, String body) {
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
      this.body = body;
    }
  }

  /**
   * One connection's share of the counters; on its event loop only. It is its channel's close
   * listener too, which releases it: one object per connection rather than two.
   */
  private final class Counted implements ChannelFutureListener {
    final boolean viaProxy;
    String address;
    /** The address whose handshakes in progress count this one, while it has not sent its request. */
    String handshakingFrom;
    boolean open;
    boolean handshaking;
    boolean refusing;

    Counted(boolean viaProxy) {
      this.viaProxy = viaProxy;
    }

    @Override
    public void operationComplete(ChannelFuture closed) {
      release(this);
    }
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final int maxHandshakes;
  private final int maxHandshakesPerAddress;
  private final AcceptRate rate;
  private final TrustedProxies proxies;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger handshaking = new AtomicInteger();
  private final AtomicInteger refusing = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> handshakesPerAddress = new ConcurrentHashMap<>();

  public ConnectionLimits(NettyConfig config) {
    this.maxConnections = config.maxConnections();
    this.maxPerAddress = config.maxConnectionsPerAddress();
    this.maxHandshakes = config.maxPendingHandshakes();
    this.maxHandshakesPerAddress = config.maxPendingHandshakesPerAddress();
    this.rate = new AcceptRate(config.acceptsPerSecond(), config.acceptBurst(), System.nanoTime());
    this.proxies = TrustedProxies.parse(config.trustedProxies());
  }

  /**
   * Counts a connection just accepted, on its event loop. A connection from a trusted proxy is
   * counted against its client's address at its first request instead, once the header naming the
   * client has arrived. The accept rate is charged last, so that connections refused for another
   * reason do not use it up for everyone.
   */
  Verdict accepted(Channel channel) {
    byte[] peer = TrustedProxies.bytes(channel.remoteAddress());
    Counted c = new Counted(proxies.contains(peer));
    channel.attr(COUNTED).set(c);
    channel.closeFuture().addListener(c);
    String address = !c.viaProxy && peer != null ? countedAs(peer) : null;
    if (address != null) {
      if (!acquire(perAddress, address, maxPerAddress)) {
        return refuse(c, Verdict.ADDRESS_FULL);
      }
      c.address = address;
    }
    c.open = true;
    if (open.incrementAndGet() > maxConnections) {
      return refuse(c, Verdict.BUSY);
    }
    c.handshaking = true;
    if (handshaking.incrementAndGet() > maxHandshakes) {
      return refuse(c, Verdict.BUSY);
    }
    // One address cannot take every handshake slot with connections that never send a request.
    if (address != null) {
      if (!acquire(handshakesPerAddress, address, maxHandshakesPerAddress)) {
        return refuse(c, Verdict.ADDRESS_FULL);
      }
      c.handshakingFrom = address;
    }
    if (!rate.tryAcquire(System.nanoTime())) {
      return refuse(c, Verdict.BUSY);
    }
    return Verdict.ADMITTED;
  }

  /**
   * Every complete HTTP request of an admitted connection, on its event loop: the first ends its
   * handshake; behind a trusted proxy each names the client, and the first counts the connection
   * against that client's address.
   */
  Verdict request(Channel channel, HttpHeaders headers) {
    Counted c = channel.attr(COUNTED).get();
    if (c == null) {
      return Verdict.ADMITTED;
    }
    endHandshake(c);
    if (!c.viaProxy) {
      // Nothing more to count at later requests: the attribute goes, and the close listener alone
      // holds the count, so that no upgraded connection keeps an attribute for it.
      removeCounted(channel);
      return Verdict.ADMITTED;
    }
    byte[] clientBytes = proxies.client(TrustedProxies.bytes(channel.remoteAddress()), headers);
    channel.attr(CLIENT).set(TrustedProxies.text(clientBytes));
    if (c.address == null) {
      String address = countedAs(clientBytes);
      if (!acquire(perAddress, address, maxPerAddress)) {
        return Verdict.ADDRESS_FULL;
      }
      c.address = address;
    }
    return Verdict.ADMITTED;
  }

  /** Attribute.remove is deprecated, being unsafe when another thread may set the key again: none does. */
  @SuppressWarnings("deprecation")
  private static void removeCounted(Channel channel) {
    channel.attr(COUNTED).remove();
  }

  /**
   * The client's address as hooks see it in {@code Handshake.remoteAddress()}: the peer's
   * {@code host:port}, or behind a trusted proxy the client's IP address from the latest request's
   * {@code X-Forwarded-For}.
   */
  public static String clientAddress(Channel channel) {
    String forwarded = channel.attr(CLIENT).get();
    if (forwarded != null) {
      return forwarded;
    }
    SocketAddress remote = channel.remoteAddress();
    if (remote == null) {
      return "";
    }
    // "host/1.2.3.4:5" or "/1.2.3.4:5": what follows the last slash
    String full = remote.toString();
    return full.substring(full.lastIndexOf('/') + 1);
  }

  private Verdict refuse(Counted c, Verdict verdict) {
    release(c);
    if (refusing.incrementAndGet() > MAX_REFUSING) {
      refusing.decrementAndGet();
      log.debug("refused a connection without an answer: {} refusals are waiting already", MAX_REFUSING);
      return Verdict.DROPPED;
    }
    c.refusing = true;
    return verdict;
  }

  /**
   * The key an address's connections are counted under: the address itself, or for IPv6 its /64
   * network, since one client commonly holds a whole /64 and could otherwise take a new address for
   * each connection.
   */
  static String countedAs(byte[] address) {
    if (address.length != 16) {
      return TrustedProxies.text(address);
    }
    byte[] network = address.clone();
    Arrays.fill(network, 8, 16, (byte) 0);
    return TrustedProxies.text(network) + "/64";
  }

  /** Counts one more under {@code key} unless it has {@code max} already. */
  private static boolean acquire(ConcurrentHashMap<String, Integer> counts, String key, int max) {
    boolean[] admitted = {false};
    counts.compute(key, (k, n) -> {
      int count = n == null ? 0 : n;
      if (count >= max) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    return admitted[0];
  }

  private static void releaseOne(ConcurrentHashMap<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  private void endHandshake(Counted c) {
    if (c.handshaking) {
      c.handshaking = false;
      handshaking.decrementAndGet();
    }
    if (c.handshakingFrom != null) {
      releaseOne(handshakesPerAddress, c.handshakingFrom);
      c.handshakingFrom = null;
    }
  }

  private void release(Counted c) {
    if (c.address != null) {
      releaseOne(perAddress, c.address);
      c.address = null;
    }
    if (c.open) {
      c.open = false;
      open.decrementAndGet();
    }
    endHandshake(c);
    if (c.refusing) {
      c.refusing = false;
      refusing.decrementAndGet();
    }
  }

  /** Addresses with at least one counted connection, for tests. */
  int addressesCounted() {
    return perAddress.size();
  }

  /** Connections counted against the total, for tests. */
  int openConnections() {
    return open.get();
  }
}
