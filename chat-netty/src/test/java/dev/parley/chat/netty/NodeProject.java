package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A JavaScript test project copied to target/ and installed there with {@code npm ci}, once per build,
 * and its Node test files run. Shared with chat-examples' tests through this module's test jar (which
 * holds this class alone). Thread-safe: {@link #install} is synchronized; {@link #runTests} keeps no
 * state.
 */
public final class NodeProject {
  private NodeProject() {}

  /**
   * Copies the files of {@code source} to {@code target} and runs {@code npm ci} there unless
   * {@code node_modules/<marker>} is already installed.
   */
  public static synchronized Path install(String source, String target, String marker) throws IOException, InterruptedException {
    Path from = Path.of(source);
    Path to = Path.of(target);
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    if (!Files.isDirectory(to.resolve("node_modules").resolve(marker))) {
      // Never inheritIO(): the test JVM's stdin and stdout are Surefire's channel to Maven, and a
      // child writing to (or reading from) them corrupts it and fails the build.
      Path log = to.resolve("npm-ci.log");
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
          .directory(to.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      npm.getOutputStream().close();
      if (!npm.waitFor(5, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        fail("npm ci did not finish within 5 minutes; its output is in " + log.toAbsolutePath());
      }
      assertThat(npm.exitValue()).as("npm ci exit code; output:%n%s", Files.readString(log)).isZero();
    }
    return to;
  }

  /**
   * Runs one test file of an installed project with Node's test runner and this environment, prints
   * its output, and fails unless it finished within 5 minutes with tests passed and none failed.
   */
  public static void runTests(Path project, String testFile, Map<String, String> environment) throws Exception {
    ProcessBuilder run = new ProcessBuilder("node", "--test", "--test-reporter=spec", testFile)
        .directory(project.toFile())
        .redirectErrorStream(true);
    run.environment().putAll(environment);
    Process node = run.start();
    node.getOutputStream().close();
    // Read on another thread, so that a test that hangs is cut off after 5 minutes.
    java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try (var in = node.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(could not read node's output: " + e + ")";
      }
    });
    boolean done = node.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = read.get(10, TimeUnit.SECONDS);
    System.out.println(output);
    assertThat(done).as("node finished within 5 minutes; output above").isTrue();
    assertThat(node.exitValue()).as("node --test exit code; output above").isZero();
    assertThat(output).as("tests ran and none failed").containsPattern("ℹ pass [1-9]\\d*").contains("ℹ fail 0");
  }
}
