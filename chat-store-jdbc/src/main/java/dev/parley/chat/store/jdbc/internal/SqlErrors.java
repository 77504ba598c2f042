package dev.parley.chat.store.jdbc.internal;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Which database errors a retry cannot cure. */
final class SqlErrors {
  private SqlErrors() {}

  /**
   * Whether the database refused the data itself, so that the same statement fails however often it
   * is retried: SQLSTATE class 22 (data exception, such as NUL in PostgreSQL text) or 23 (integrity
   * constraint), or an error of the store's own code (a {@link RuntimeException}) while binding.
   * Everything else (connection loss, 08xxx, serialization failures and deadlocks 40001/40P01,
   * SQLite's BUSY, timeouts) may pass and is retried.
   */
  static boolean permanent(Exception e) {
    if (e instanceof RuntimeException) {
      return true;
    }
    // A driver reports a failed batch as a BatchUpdateException whose cause or next exception carries
    // the server's error; a chain could in principle loop, hence the bound.
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return false;
      }
      if (t instanceof SQLDataException || t instanceof SQLIntegrityConstraintViolationException) {
        return true;
      }
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
          return true;
        }
        Throwable next = s.getNextException();
        t = next != null && next != s ? next : s.getCause();
      } else {
        t = t.getCause();
      }
    }
    return false;
  }
}
