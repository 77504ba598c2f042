package dev.parley.chat.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class OutageLogTest {
  /** The level and arguments of each call made to the logger (isXEnabled calls answer true). */
  private final List<String> calls = new ArrayList<>();
  private final Logger logger = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
      (proxy, method, args) -> {
        if (method.getName().startsWith("is")) {
          return true;
        }
        if (method.getName().equals("getName")) {
          return "test";
        }
        calls.add(method.getName() + " " + Arrays.deepToString(args));
        return null;
      });
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final OutageLog outage = new OutageLog(logger, "history store", nanos::get);

  @Test
  void oneErrorPerInterval_theRestAtDebug_countedInTheNextError() {
    RuntimeException down = new IllegalStateException("down");
    for (int i = 0; i < 100; i++) {
      outage.error("history store read failed", down);
    }
    assertThat(calls).hasSize(100);
    assertThat(calls.get(0)).startsWith("error [{}, [history store read failed, java.lang.IllegalStateException: down]]");
    assertThat(calls.subList(1, 100)).allMatch(c -> c.startsWith("debug "));

    nanos.addAndGet(OutageLog.INTERVAL.toNanos() - 1);
    outage.warn("history store read failed", down);
    assertThat(calls.get(100)).as("still within the interval").startsWith("debug ");

    nanos.addAndGet(1);
    outage.error("history store read failed", down);
    assertThat(calls.get(101)).startsWith("error ").contains("[history store read failed, 100, history store, java.lang.IllegalStateException: down]");
    outage.error("history store read failed", down);
    assertThat(calls.get(102)).startsWith("debug ");
  }
}
