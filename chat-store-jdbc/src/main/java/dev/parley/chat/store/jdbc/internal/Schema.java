package dev.parley.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The store's tables and how to get a database to the current version of them. Each step runs once,
 * in order, inside the transaction that also records the new version, so a failed start leaves the
 * schema as it was; two processes starting at once take turns on the version row.
 *
 * @param messages the messages table
 * @param floors each cleared stream's floor: the id at or below which it keeps nothing
 * @param bans the users banned from rooms
 * @param mutes the users muted in rooms
 * @param reads each user's read marker per room or private conversation
 * @param version the one-row table holding the schema version
 * @param dialect the database
 */
record Schema(String messages, String floors, String bans, String mutes, String reads, String version, Dialect dialect) {
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,40}");

  /**
   * The schema with this table name prefix.
   *
   * @param prefix letters, digits and underscores, not starting with a digit
   * @param dialect the database
   * @return the schema
   */
  public static Schema of(String prefix, Dialect dialect) {
    if (!PREFIX.matcher(prefix).matches()) {
      // The prefix is spliced into SQL, so it must not be able to carry any.
      throw new IllegalArgumentException("table prefix must match " + PREFIX + ", was '" + prefix + "'");
    }
    return new Schema(prefix + "messages", prefix + "floors", prefix + "bans", prefix + "mutes", prefix + "reads", prefix + "schema_version",
        dialect);
  }

  /**
   * The migration steps: step {@code i} takes the schema from version {@code i} to {@code i + 1}.
   * Steps are only ever added at the end. Each uses {@code IF NOT EXISTS}, so a step that a crashed
   * migration half did in a database without transactional DDL is safe to run again.
   */
  List<List<String>> steps() {
    return List.of(
        // 1: the messages; the primary key is also the index every read pages along.
        List.of("CREATE TABLE IF NOT EXISTS " + messages + " ("
            + "stream TEXT NOT NULL, "
            + "id " + dialect.idType() + " NOT NULL, "
            + "time_ms BIGINT NOT NULL, "
            + "time_ns INT NOT NULL, " // within the millisecond, so that times come back exactly
            + "kind TEXT NOT NULL, "
            + "room TEXT, "
            + "sender TEXT, "
            + "recipient TEXT, "
            + "text TEXT NOT NULL, "
            + "data TEXT, "
            + "PRIMARY KEY (stream, id))"),
        // 2: trimming by age deletes by time across every stream.
        List.of("CREATE INDEX IF NOT EXISTS " + messages + "_time ON " + messages + " (time_ms)"),
        // 3: clears keep a floor per stream, below which a late append is not kept (HistoryStore.clear).
        List.of("CREATE TABLE IF NOT EXISTS " + floors + " ("
            + "stream TEXT NOT NULL PRIMARY KEY, "
            + "through_id " + dialect.idType() + " NOT NULL)"),
        // 4: bans from rooms (HistoryStore.restrict), one per user and room; until_ms NULL for a permanent one.
        List.of("CREATE TABLE IF NOT EXISTS " + bans + " ("
            + "room TEXT NOT NULL, "
            + "username TEXT NOT NULL, "
            + "until_ms BIGINT, "
            + "until_ns INT NOT NULL, "
            + "reason TEXT NOT NULL, "
            + "PRIMARY KEY (room, username))"),
        // 5: edits and deletions (HistoryStore.change): a message's last change, and an index for
        // recovery, which reads the messages changed after an id by their revision.
        List.of("ALTER TABLE " + messages + " " + dialect.addColumn() + " edited_ms BIGINT",
            "ALTER TABLE " + messages + " " + dialect.addColumn() + " edited_ns INT",
            "ALTER TABLE " + messages + " " + dialect.addColumn() + " deleted INT NOT NULL DEFAULT 0",
            "ALTER TABLE " + messages + " " + dialect.addColumn() + " revision " + dialect.idType(),
            "CREATE INDEX IF NOT EXISTS " + messages + "_revision ON " + messages + " (stream, revision)"),
        // 6: mutes in rooms (HistoryStore.restrict), as bans are kept; a mute always has an end, so until_ms is never NULL in it.
        List.of("CREATE TABLE IF NOT EXISTS " + mutes + " ("
            + "room TEXT NOT NULL, "
            + "username TEXT NOT NULL, "
            + "until_ms BIGINT, "
            + "until_ns INT NOT NULL, "
            + "reason TEXT NOT NULL, "
            + "PRIMARY KEY (room, username))"),
        // 7: read markers (HistoryStore.markRead), one per user and room or private conversation.
        List.of("CREATE TABLE IF NOT EXISTS " + reads + " ("
            + "stream TEXT NOT NULL, "
            + "username TEXT NOT NULL, "
            + "through_id " + dialect.idType() + " NOT NULL, "
            + "PRIMARY KEY (stream, username))"));
  }

  /**
   * Whether a step's statement adds a column that the table has: SQLite has no {@code ADD COLUMN IF
   * NOT EXISTS}, and a step must be safe to run again (see {@link #steps()}).
   */
  private boolean addsAColumnThatExists(Connection connection, String sql) throws SQLException {
    java.util.regex.Matcher add = ADD_COLUMN.matcher(sql);
    if (dialect != Dialect.SQLITE || !add.lookingAt()) {
      return false;
    }
    try (ResultSet columns = connection.getMetaData().getColumns(null, null, add.group(1), add.group(2))) {
      return columns.next();
    }
  }

  private static final Pattern ADD_COLUMN = Pattern.compile("ALTER TABLE (\\S+) ADD COLUMN (\\S+) ");

  /** The version this code writes and reads. */
  public int latest() {
    return steps().size();
  }

  /**
   * Creates or upgrades the tables.
   *
   * @param connection a connection of the store's own, in auto-commit mode; left in auto-commit mode
   * @return the version the database was at before
   * @throws SQLException if the database refuses
   * @throws IllegalStateException if the database has a newer schema than this code knows
   */
  public int migrate(Connection connection) throws SQLException {
    createVersionTable(connection);
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      // Writing the row first locks it (PostgreSQL) or the database (SQLite) until commit: a second
      // process starting now waits here, then sees the version this one wrote.
      s.executeUpdate("UPDATE " + version + " SET version = version WHERE singleton = 1");
      int found;
      try (ResultSet rs = s.executeQuery("SELECT version FROM " + version + " WHERE singleton = 1")) {
        rs.next();
        found = rs.getInt(1);
      }
      List<List<String>> steps = steps();
      if (found > steps.size()) {
        throw new IllegalStateException("The tables " + messages + " are at schema version " + found
            + ", newer than this version of Parley knows (" + steps.size() + "); upgrade Parley.");
      }
      for (int v = found; v < steps.size(); v++) {
        for (String sql : steps.get(v)) {
          if (!addsAColumnThatExists(connection, sql)) {
            s.execute(sql);
          }
        }
      }
      try (PreparedStatement set = connection.prepareStatement(
          "UPDATE " + version + " SET version = ? WHERE singleton = 1")) {
        set.setInt(1, steps.size());
        set.executeUpdate();
      }
      connection.commit();
      return found;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(connection, e);
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private void createVersionTable(Connection connection) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Statement s = connection.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS " + version
            + " (singleton INT PRIMARY KEY, version INT NOT NULL)");
        s.execute("INSERT INTO " + version + " (singleton, version) VALUES (1, 0) ON CONFLICT DO NOTHING");
        return;
      } catch (SQLException e) {
        // PostgreSQL's CREATE TABLE IF NOT EXISTS is not atomic: two processes creating the same
        // table at once can make one fail on a catalog unique index. The table exists then.
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  static void rollbackQuietly(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
