package dev.parley.chat.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's CPU time and resident memory from Linux's /proc. */
final class ProcStats {
  /**
   * USER_HZ: /proc reports CPU times in these ticks. It is 100 on every Linux this runs on, and the
   * JDK offers no way to ask sysconf without a native call.
   */
  static final long TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /** User plus system CPU time of {@code pid}, in nanoseconds. */
  static long cpuNanos(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are fixed.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // utime and stime are fields 14 and 15 of the whole line, so 11 and 12 after the name and state.
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 1_000_000_000L / TICKS_PER_SECOND;
  }

  /** Resident set size of {@code pid} in bytes (VmRSS). */
  static long rssBytes(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
