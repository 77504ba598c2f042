package dev.parley.chat.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a flight recording of a bench server says per unit of load (see docs/benchmarks.md#profiling):
 * the allocation the JVM sampled ({@code jdk.ObjectAllocationSample}, whose weights add up to an
 * estimate of all bytes allocated), by class and by the first Parley frame, divided by {@code --per}
 * (the handshakes or messages of the run); and the CPU samples ({@code jdk.ExecutionSample}) by top
 * frame and by first Parley frame, as shares. Flags: {@code --file FILE.jfr}, {@code --per N} (1),
 * {@code --top N} (15), {@code --from}/{@code --to} (ISO instants: only events in that window, such as
 * a result line's measured step).
 */
public final class JfrSummary {
  private JfrSummary() {}

  public static void main(String[] args) throws IOException {
    Flags flags = Flags.parse(args);
    Path file = Path.of(flags.string("file", "recording.jfr"));
    double per = flags.decimal("per", 1);
    int top = flags.integer("top", 15);
    Instant from = Instant.parse(flags.string("from", Instant.MIN.toString()));
    Instant to = Instant.parse(flags.string("to", Instant.MAX.toString()));
    flags.rejectUnknown();
    Map<String, Double> bytesByClass = new HashMap<>();
    Map<String, Double> bytesBySite = new HashMap<>();
    Map<String, Double> samplesByTop = new HashMap<>();
    Map<String, Double> samplesBySite = new HashMap<>();
    double bytes = 0;
    double samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
        continue;
      }
      String type = e.getEventType().getName();
      if (type.equals("jdk.ObjectAllocationSample")) {
        double w = e.getLong("weight");
        bytes += w;
        bytesByClass.merge(e.getClass("objectClass").getName(), w, Double::sum);
        bytesBySite.merge(firstParleyFrame(e.getStackTrace()), w, Double::sum);
      } else if (type.equals("jdk.ExecutionSample")) {
        samples++;
        RecordedStackTrace st = e.getStackTrace();
        samplesByTop.merge(st == null || st.getFrames().isEmpty() ? "?" : name(st.getFrames().get(0)), 1.0, Double::sum);
        samplesBySite.merge(firstParleyFrame(st), 1.0, Double::sum);
      }
    }
    System.out.printf(Locale.ROOT, "allocation sampled: %,.0f bytes in all, %,.1f bytes per unit (--per %,.0f)%n",
        bytes, bytes / per, per);
    print("allocated bytes per unit, by class", bytesByClass, 1 / per, top, "%,.1f");
    print("allocated bytes per unit, by the first dev.parley frame", bytesBySite, 1 / per, top, "%,.1f");
    System.out.printf(Locale.ROOT, "%nCPU samples (Java code only, every ~10 ms per thread): %,.0f%n", samples);
    print("share of CPU samples, by top frame", samplesByTop, 100 / Math.max(1, samples), top, "%.1f%%");
    print("share of CPU samples, by the first dev.parley frame", samplesBySite, 100 / Math.max(1, samples), top, "%.1f%%");
  }

  /** The innermost frame in Parley's code, or the top frame's class when none is. */
  private static String firstParleyFrame(RecordedStackTrace st) {
    if (st == null || st.getFrames().isEmpty()) {
      return "?";
    }
    List<RecordedFrame> frames = st.getFrames();
    for (RecordedFrame f : frames) {
      if (f.isJavaFrame() && f.getMethod().getType().getName().startsWith("dev.parley.")) {
        return name(f);
      }
    }
    return "(no Parley frame) " + frames.get(0).getMethod().getType().getName();
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void print(String title, Map<String, Double> values, double scale, int top, String format) {
    System.out.println();
    System.out.println(title + ":");
    values.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
        .forEach(en -> System.out.printf(Locale.ROOT, "  %12s  %s%n", String.format(Locale.ROOT, format, en.getValue() * scale),
            en.getKey()));
  }
}
