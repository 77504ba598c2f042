package dev.parley.chat.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the load generator reads of the Redis a cluster of servers runs on: its CPU time ({@code
 * INFO cpu}), how many times each command ran ({@code INFO commandstats}), the subscribers of
 * channels ({@code PUBSUB NUMSUB}), and per server process, the bytes it received from Redis and
 * the channels it subscribes to (from {@code ss}, which names the process of each socket, and
 * {@code CLIENT LIST}). Speaks just enough RESP over one blocking socket; used from the scenario's
 * thread only, opened and closed by it.
 */
final class RedisProbe implements AutoCloseable {
  /** Commands this probe sends itself, which are no part of the load. */
  private static final List<String> OWN = List.of("info", "pubsub", "client", "config", "hello", "command");

  private final int port;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RedisProbe(String host, int port) {
    this.port = port;
    try {
      this.socket = new Socket(host, port);
      socket.setSoTimeout(30_000);
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach Redis on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** One reading of Redis and of the nodes' sockets to it. */
  record Snapshot(long nanoTime, long redisCpuMicros, Map<String, Long> calls, Map<Long, Long> bytesToPid,
      Map<Long, Integer> subscriptionsOfPid) {}

  Snapshot snapshot() {
    Map<String, Long> calls = new TreeMap<>();
    for (Map.Entry<String, String> e : info("commandstats").entrySet()) {
      String name = e.getKey().substring("cmdstat_".length());
      if (OWN.stream().noneMatch(o -> name.equals(o) || name.startsWith(o + "|"))) {
        Matcher m = Pattern.compile("calls=(\\d+)").matcher(e.getValue());
        if (m.find()) {
          calls.put(name, Long.parseLong(m.group(1)));
        }
      }
    }
    Map<String, String> cpu = info("cpu");
    long cpuMicros = Math.round((Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"))) * 1e6);
    Map<Integer, Long> pidOfPort = new HashMap<>();
    Map<Long, Long> bytes = socketsToRedis(pidOfPort);
    Map<Long, Integer> subs = new TreeMap<>();
    for (String line : ((String) command("CLIENT", "LIST")).split("\n")) {
      Matcher m = Pattern.compile("addr=[^ ]*:(\\d+) .* sub=(\\d+) ").matcher(line);
      if (m.find()) {
        Long pid = pidOfPort.get(Integer.parseInt(m.group(1)));
        if (pid != null) {
          subs.merge(pid, Integer.parseInt(m.group(2)), Integer::sum);
        }
      }
    }
    return new Snapshot(System.nanoTime(), cpuMicros, calls, bytes, subs);
  }

  /** How many connections subscribe to each of {@code channels}. */
  Map<String, Long> numsub(List<String> channels) {
    List<String> args = new ArrayList<>(List.of("PUBSUB", "NUMSUB"));
    args.addAll(channels);
    List<?> reply = (List<?>) command(args.toArray(String[]::new));
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      counts.put((String) reply.get(i), (Long) reply.get(i + 1));
    }
    return counts;
  }

  /** Every command's calls from {@code a} to {@code b}, those that ran none left out. */
  static Map<String, Long> callsBetween(Snapshot a, Snapshot b) {
    Map<String, Long> d = new TreeMap<>();
    b.calls().forEach((name, n) -> {
      long delta = n - a.calls().getOrDefault(name, 0L);
      if (delta != 0) {
        d.put(name, delta);
      }
    });
    return d;
  }

  /**
   * Bytes each process received so far on its sockets to Redis ({@code tcp_info}'s {@code
   * bytes_received}, from {@code ss}); fills {@code pidOfPort} with each socket's local port.
   */
  private Map<Long, Long> socketsToRedis(Map<Integer, Long> pidOfPort) {
    Map<Long, Long> bytes = new TreeMap<>();
    String text;
    try {
      Process p = new ProcessBuilder("ss", "-tinpH", "dport = :" + port).redirectErrorStream(true).start();
      text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run ss: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Pattern socketLine = Pattern.compile("^\\S+\\s+\\d+\\s+\\d+\\s+\\S+:(\\d+)\\s+\\S+.*pid=(\\d+),");
    Pattern received = Pattern.compile("bytes_received:(\\d+)");
    long pid = -1;
    for (String line : text.split("\n")) {
      Matcher s = socketLine.matcher(line);
      if (s.find()) {
        pid = Long.parseLong(s.group(2));
        pidOfPort.put(Integer.parseInt(s.group(1)), pid);
        continue;
      }
      Matcher r = received.matcher(line);
      if (pid > 0 && r.find()) {
        bytes.merge(pid, Long.parseLong(r.group(1)), Long::sum);
        pid = -1;
      }
    }
    return bytes;
  }

  Map<String, String> info(String section) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : ((String) command("INFO", section)).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        map.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return map;
  }

  Object command(String... args) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String a : args) {
        byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
        b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(bytes);
        b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write(b.toByteArray());
      out.flush();
      return read();
    } catch (IOException e) {
      throw new IllegalStateException("Redis on port " + port + ": " + e.getMessage(), e);
    }
  }

  private Object read() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("Redis answered " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        byte[] data = in.readNBytes(n + 2);
        return new String(data, 0, n, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(read());
        }
        return items;
      }
      default:
        throw new IllegalStateException("unexpected RESP type " + (char) type);
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("Redis closed the connection");
      }
      b.append((char) c);
    }
    in.read();
    return b.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing is left to read from it.
    }
  }
}
