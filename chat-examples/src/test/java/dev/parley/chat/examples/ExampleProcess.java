package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example jar running in its own JVM, as a user starts it: {@code java -jar chat-examples.jar
 * ARGS --port 0}; or, by {@link #startMain}, a server main of the test sources, on the test class
 * path. Started by {@link #start}, which returns once it prints that it listens ({@code open
 * http://localhost:PORT/}); {@link #close} kills it. Its output is echoed with a prefix and kept.
 * Used by one test thread.
 */
final class ExampleProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target/chat-examples.jar");
  private static final Pattern RUNNING = Pattern.compile("open https?://\\S+:(\\d+)/");

  private final Process process;
  private final int port;
  private final List<String> output;

  private ExampleProcess(Process process, int port, List<String> output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /** Starts the jar on a free port with these arguments and waits (up to a minute) for it to listen. */
  static ExampleProcess start(String name, String... args) throws Exception {
    return start(name, List.of(), args);
  }

  /** As {@link #start(String, String...)}, with options for the JVM (such as a heap size). */
  static ExampleProcess start(String name, List<String> jvmOptions, String... args) throws Exception {
    assertThat(JAR).as("the example jar (mvn package builds it)").exists();
    return launch(name, jvmOptions, List.of("-jar", JAR.toString()), args);
  }

  /**
   * Starts a main class of the test class path ({@code java -cp TEST_CLASS_PATH MAIN ARGS --port 0})
   * with these JVM options, and waits (up to a minute) for it to print that it listens.
   */
  static ExampleProcess startMain(String name, Class<?> main, List<String> jvmOptions, String... args)
      throws Exception {
    // Failsafe names the test class path here; java.class.path may be only its manifest jar.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return launch(name, jvmOptions, List.of("-cp", classPath, main.getName()), args);
  }

  private static ExampleProcess launch(String name, List<String> jvmOptions, List<String> what, String... args)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(what);
    command.addAll(List.of(args));
    command.addAll(List.of("--port", "0"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          System.out.println("[" + name + "] " + line);
          output.add(line);
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      for (;;) {
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertThat(line).as("%s printed that it is running; so far: %s", name, output).isNotNull();
        Matcher m = RUNNING.matcher(line);
        if (m.find()) {
          return new ExampleProcess(p, Integer.parseInt(m.group(1)), output);
        }
      }
    } catch (Throwable e) {
      p.destroyForcibly();
      throw e;
    }
  }

  int port() {
    return port;
  }

  /** The operating system's id of the process. */
  long pid() {
    return process.pid();
  }

  /** What it printed so far. */
  List<String> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  /** Stops it as Ctrl+C does (SIGTERM: its shutdown hook runs) and waits for it to end. */
  void stop() throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the example stopped").isTrue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Freezes it as {@code kill -STOP} does: it stays alive but runs nothing until {@link #thaw}. */
  void freeze() throws Exception {
    signal("STOP");
  }

  /** Lets a frozen process run again ({@code kill -CONT}). */
  void thaw() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %s", name, process.pid())
        .isTrue();
  }

  /** Kills it at once (SIGKILL, as {@code kill -9}): nothing of it runs after. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
