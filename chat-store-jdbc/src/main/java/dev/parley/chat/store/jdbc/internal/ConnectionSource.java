package dev.parley.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Where the store gets a new connection: a DataSource, or DriverManager with a URL. */
@FunctionalInterface
public interface ConnectionSource {
  /**
   * A new connection; the caller closes it.
   *
   * @return the connection
   * @throws SQLException if none can be had
   */
  Connection connect() throws SQLException;
}
