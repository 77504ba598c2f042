package dev.parley.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.TransportLink;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TransportLinksTest {
  /** What this node's engine was asked to relay. */
  private final List<byte[]> relayed = new CopyOnWriteArrayList<>();
  private final ClusterEngine inProcess =
      ClusterEngine.inProcess(new InMemoryHistoryStore(Retention.messages(10)), Clock.systemUTC(), 10);
  /** The in-process engine, except that relays are recorded. */
  private final ClusterEngine engine = (ClusterEngine) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {ClusterEngine.class}, (proxy, method, args) -> {
        if (method.getName().equals("relay")) {
          relayed.add((byte[]) args[0]);
          return CompletableFuture.completedFuture(null);
        }
        try {
          return method.invoke(inProcess, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
  private final TransportLinks links = new TransportLinks(engine);

  @Test
  void aRelayReachesOnlyTheLinksOfItsTransportsName_withItsBytesUnchanged() {
    List<String> socketIo = new CopyOnWriteArrayList<>();
    List<String> other = new CopyOnWriteArrayList<>();
    TransportLink sender = links.link("socket.io", p -> socketIo.add(text(p)));
    links.link("other", p -> other.add(text(p)));

    sender.relay(bytes("emit ✓")).toCompletableFuture().join();
    // What the engine relays is what another node's server is handed: feed it back as if it came from there.
    links.onRelay(relayed.get(0));
    links.onRelay(frame("other", "for the other transport"));
    links.onRelay(frame("nobody-here", "dropped"));

    assertThat(socketIo).containsExactly("emit ✓");
    assertThat(other).containsExactly("for the other transport");
  }

  @Test
  void aPayloadWithoutANameIsDropped() {
    List<byte[]> got = new CopyOnWriteArrayList<>();
    links.link("socket.io", got::add);

    links.onRelay(new byte[0]);
    links.onRelay(new byte[] {9, 's'}); // says nine bytes of name, holds one

    assertThat(got).isEmpty();
  }

  @Test
  void sessionsOfOneTransportAreItsOwn() {
    TransportLink a = links.link("a", p -> {});
    TransportLink b = links.link("b", p -> {});

    a.keepSession("s1", bytes("a's"), Duration.ofMinutes(1)).toCompletableFuture().join();

    assertThat(b.takeSession("s1").toCompletableFuture().join()).isEmpty();
    assertThat(a.takeSession("s1").toCompletableFuture().join()).hasValueSatisfying(s -> assertThat(text(s)).isEqualTo("a's"));
  }

  @Test
  void aClosedLinkReceivesNothingAndRefusesCalls() {
    List<byte[]> got = new CopyOnWriteArrayList<>();
    TransportLink link = links.link("socket.io", got::add);

    link.close();
    links.onRelay(frame("socket.io", "after the close"));

    assertThat(got).isEmpty();
    assertThatThrownBy(() -> link.relay(bytes("x")).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(relayed).isEmpty();
  }

  @Test
  void aNameMustFitInOneByteOfLength() {
    assertThatThrownBy(() -> links.link("", p -> {})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> links.link("x".repeat(256), p -> {})).isInstanceOf(IllegalArgumentException.class);
    links.link("x".repeat(255), p -> {}).close();
  }

  private static byte[] frame(String name, String body) {
    byte[] n = bytes(name);
    byte[] b = bytes(body);
    byte[] out = new byte[1 + n.length + b.length];
    out[0] = (byte) n.length;
    System.arraycopy(n, 0, out, 1, n.length);
    System.arraycopy(b, 0, out, 1 + n.length, b.length);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
