package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.parley.chat.netty.NettyConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.lang.management.ManagementFactory;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parts of the connection caps that need no sockets: the accept bucket and trusted proxies. */
class ConnectionCapsTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void theAcceptBucketStartsFullAndRefillsAtItsRate() {
    AcceptRate rate = new AcceptRate(10, 3, 0);
    assertThat(rate.tryAcquire(0)).isTrue();
    assertThat(rate.tryAcquire(0)).isTrue();
    assertThat(rate.tryAcquire(0)).isTrue();
    assertThat(rate.tryAcquire(0)).isFalse();
    assertThat(rate.tryAcquire(SECOND / 10 - 1)).isFalse();
    assertThat(rate.tryAcquire(SECOND / 10)).isTrue();
    assertThat(rate.tryAcquire(SECOND / 10)).isFalse();
    // A long quiet spell fills it to the burst, not beyond.
    long later = 100 * SECOND;
    for (int i = 0; i < 3; i++) {
      assertThat(rate.tryAcquire(later)).isTrue();
    }
    assertThat(rate.tryAcquire(later)).isFalse();
  }

  @Test
  void anIpv6ClientIsCountedByItsSlash64_anIpv4ClientByItsAddress() {
    assertThat(ConnectionLimits.countedAs(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")))
        .isEqualTo(ConnectionLimits.countedAs(ip("2001:db8:1:2::1")))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(ConnectionLimits.countedAs(ip("2001:db8:1:3::1"))).isNotEqualTo(ConnectionLimits.countedAs(ip("2001:db8:1:2::1")));
    assertThat(ConnectionLimits.countedAs(ip("192.0.2.7"))).isEqualTo("192.0.2.7");
  }

  private static byte[] ip(String literal) {
    return TrustedProxies.bytes(literal);
  }

  private static HttpHeaders xff(String... values) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (String v : values) {
      h.add("X-Forwarded-For", v);
    }
    return h;
  }

  @Test
  void trustedProxiesMatchAddressesAndCidrBlocks() {
    TrustedProxies p = TrustedProxies.parse(Set.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));
    assertThat(p.contains(ip("10.200.3.4"))).isTrue();
    assertThat(p.contains(ip("11.0.0.1"))).isFalse();
    assertThat(p.contains(ip("192.168.1.7"))).isTrue();
    assertThat(p.contains(ip("192.168.1.8"))).isFalse();
    assertThat(p.contains(ip("::ffff:10.1.1.1"))).as("IPv4-mapped").isTrue();
    assertThat(p.contains(ip("fd12::1"))).isTrue();
    assertThat(p.contains(ip("fe80::1"))).isFalse();
  }

  @Test
  void hostNamesAndBadPrefixesAreRefusedByTheBuilder() {
    for (String bad : new String[] {"proxy.example.com", "10.0.0.0/33", "10.0.0.0/x", ""}) {
      assertThatThrownBy(() -> NettyConfig.builder().trustedProxies(Set.of(bad)).build())
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theClientIsTheRightmostUntrustedForwardedAddress() {
    TrustedProxies p = TrustedProxies.parse(Set.of("10.0.0.0/8"));
    byte[] proxy = ip("10.0.0.1");
    assertThat(TrustedProxies.text(p.client(proxy, xff()))).isEqualTo("10.0.0.1");
    assertThat(TrustedProxies.text(p.client(proxy, xff("203.0.113.7")))).isEqualTo("203.0.113.7");
    assertThat(TrustedProxies.text(p.client(proxy, xff("198.51.100.1, 203.0.113.7, 10.0.0.2"))))
        .isEqualTo("203.0.113.7");
    assertThat(TrustedProxies.text(p.client(proxy, xff("198.51.100.1", "203.0.113.7")))).isEqualTo("203.0.113.7");
    assertThat(TrustedProxies.text(p.client(proxy, xff("203.0.113.7:4711")))).isEqualTo("203.0.113.7");
    assertThat(TrustedProxies.text(p.client(proxy, xff("[2001:db8::1]:80")))).isEqualTo("2001:db8::1");
    // Garbage stops the walk at the last address a trusted proxy vouched for.
    assertThat(TrustedProxies.text(p.client(proxy, xff("evil;line")))).isEqualTo("10.0.0.1");
    assertThat(TrustedProxies.text(p.client(proxy, xff("unknown, 10.0.0.3")))).isEqualTo("10.0.0.3");
  }

  @Test
  void theDefaultTotalCapStaysBelowTheOpenFileLimit() {
    int cap = NettyConfig.builder().build().maxConnections();
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      assertThat((long) cap).isLessThanOrEqualTo(limit - Math.min(limit / 2, Math.max(256, limit / 10)));
      assertThat((long) cap).isLessThan(limit - ConnectionLimits.MAX_REFUSING);
    } else {
      assertThat(cap).isEqualTo(10_000);
    }
  }
}
