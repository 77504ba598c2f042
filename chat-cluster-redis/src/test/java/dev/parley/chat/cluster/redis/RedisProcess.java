package dev.parley.chat.cluster.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private redis-server for one test class, on a free port of the loopback interface, never the
 * machine's shared instance: tests stop and restart it. Without persistence unless asked.
 */
public final class RedisProcess implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final boolean persistent;
  private Process process;

  private RedisProcess(int port, Path dir, boolean persistent) {
    this.port = port;
    this.dir = dir;
    this.persistent = persistent;
  }

  public static RedisProcess start(boolean persistent) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RedisProcess r = new RedisProcess(port, Files.createTempDirectory("parley-redis"), persistent);
    r.startAgain();
    return r;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Starts the server (again) on the same port; with persistence it reloads its append-only file. */
  public void startAgain() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", ""));
    cmd.addAll(persistent ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        if (command("PING").contains("PONG")) {
          return;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IOException("redis-server did not start; see " + dir.resolve("redis.log"), e);
        }
        Thread.sleep(20); // polling a process that is starting: nothing to await on
      }
    }
  }

  /** Stops the server at once (SIGKILL: nothing written on the way out). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /**
   * Deletes what a persistent server wrote (its append-only files), so that the next {@link
   * #startAgain} starts empty, as a server without persistence does. Only while it is stopped.
   */
  public void forgetData() throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!f.equals(dir) && !f.getFileName().toString().equals("redis.log")) {
          Files.delete(f);
        }
      }
    }
  }

  /** Sends one inline command on a fresh connection and returns the raw reply. */
  public String command(String... args) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      StringBuilder out = new StringBuilder("*" + args.length + "\r\n");
      for (String a : args) {
        out.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
      }
      OutputStream o = s.getOutputStream();
      o.write(out.toString().getBytes(StandardCharsets.UTF_8));
      o.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** How many times Redis ran a command, from INFO commandstats (e.g. "evalsha"). */
  public long calls(String command) throws IOException {
    for (String line : command("INFO", "commandstats").split("\r\n")) {
      if (line.startsWith("cmdstat_" + command + ":calls=")) {
        String rest = line.substring(("cmdstat_" + command + ":calls=").length());
        return Long.parseLong(rest.substring(0, rest.indexOf(',')));
      }
    }
    return 0;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      kill();
    }
  }
}
