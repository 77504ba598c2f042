package dev.parley.chat.netty.internal;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * How much of the JDK's direct memory the shared broadcast frames of {@link OutboundQueue} may use.
 * Those are freed by the garbage collector, and a JDK out of direct memory makes the allocating
 * thread wait for a collection (or fails it, with explicit collections disabled): frames are shared
 * that way only while the JDK's direct buffers use less than a quarter of its limit, and written
 * from the heap otherwise, at the cost of a copy per recipient.
 */
final class DirectMemory {
  private DirectMemory() {}

  private static final BufferPoolMXBean DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
      .stream().filter(b -> b.getName().equals("direct")).findFirst().orElse(null);
  private static final long BUDGET = limit() / 4;

  static boolean roomFor(int bytes) {
    return DIRECT != null && DIRECT.getMemoryUsed() + bytes <= BUDGET;
  }

  /** {@code -XX:MaxDirectMemorySize} when given, else the JDK's default, the maximum heap. */
  private static long limit() {
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:MaxDirectMemorySize=")) {
        return parseSize(arg.substring("-XX:MaxDirectMemorySize=".length()));
      }
    }
    return Runtime.getRuntime().maxMemory();
  }

  static long parseSize(String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      case 't' -> 1L << 40;
      default -> 1;
    };
    String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
    try {
      return Long.parseLong(digits) * unit;
    } catch (NumberFormatException e) {
      return Runtime.getRuntime().maxMemory();
    }
  }
}
