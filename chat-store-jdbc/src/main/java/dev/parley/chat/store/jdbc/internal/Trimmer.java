package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.history.Retention;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what retention no longer keeps: reads already skip it, this frees the space. Runs on the
 * writer thread, between batches, on the writer's connection; not thread-safe.
 */
final class Trimmer {
  // The store logs under one name, whichever of its parts speaks.
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  /** Most rows one age trim deletes in one transaction, so that writes are not held up for long. */
  private static final int TRIM_ROWS = 1000;
  /** Most streams one count trim goes through in one transaction, for the same reason. */
  private static final int TRIM_STREAMS = 100;

  private final Engine.Settings settings;
  private final String table;
  private final WriterConnection connection;
  /** Streams written since their last trim: only they can have grown past the count. */
  private final Set<String> touched = new HashSet<>();

  Trimmer(Engine.Settings settings, String table, WriterConnection connection) {
    this.settings = settings;
    this.table = table;
    this.connection = connection;
  }

  /** A committed append to a stream. */
  void touched(String stream) {
    touched.add(stream);
  }

  /**
   * Deletes in bounded chunks, each its own transaction, so that a large backlog (a first trim, a
   * retention made shorter) does not keep the writer from the queue.
   *
   * @return whether more is left to delete
   */
  boolean trim() {
    Retention retention = settings.retention();
    long cutoff = settings.cutoff();
    if (cutoff == Long.MIN_VALUE && touched.isEmpty()) {
      return false;
    }
    int timeout = Engine.seconds(settings.retryFor());
    try {
      Connection c = connection.get();
      int deleted = 0;
      boolean more = false;
      List<String> streams = touched.stream().limit(TRIM_STREAMS).toList();
      try {
        if (cutoff != Long.MIN_VALUE) {
          // Neither database has a portable DELETE ... LIMIT; a limited subquery on the key is.
          try (PreparedStatement old = new Sql("DELETE FROM " + table + " WHERE (stream, id) IN (")
              .add("SELECT stream, id FROM " + table + " WHERE time_ms < ?", cutoff)
              .add(" LIMIT ?)", TRIM_ROWS)
              .prepare(c)) {
            old.setQueryTimeout(timeout);
            int n = old.executeUpdate();
            deleted += n;
            more = n >= TRIM_ROWS;
          }
        }
        for (String stream : streams) {
          try (PreparedStatement surplus = new Sql("DELETE FROM " + table + " WHERE stream = ?", stream)
              .add(" AND id < (SELECT id FROM " + table + " WHERE stream = ?", stream)
              .add(" ORDER BY id DESC LIMIT 1 OFFSET ?)", retention.maxMessages() - 1)
              .prepare(c)) {
            surplus.setQueryTimeout(timeout);
            deleted += surplus.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        Schema.rollbackQuietly(c, e);
        throw e;
      }
      streams.forEach(touched::remove);
      if (deleted > 0) {
        log.debug("history retention removed {} messages from {}", deleted, table);
      }
      return more || !touched.isEmpty();
    } catch (SQLException | RuntimeException e) {
      connection.drop();
      log.warn("history retention on {} failed; trying again in {}", table, settings.trimInterval(), e);
      return false;
    }
  }
}
