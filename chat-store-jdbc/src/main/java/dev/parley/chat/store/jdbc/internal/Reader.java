package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.ChatMessage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The store's reads: the database combined with the writes still queued, so that a read sees every
 * append and removal that returned before it, committed or not. A stream's floor counts both
 * queued (a queued clear's) and committed (possibly another store's): queued appends at or below
 * either are left out, as the writer will not insert them. Thread-safe; reads run on the caller's
 * thread, with a connection of the read pool.
 */
final class Reader {
  private final Engine.Settings settings;
  private final String table;
  private final String floors;
  private final Pending pending;
  private final ReadPool reads;

  Reader(Engine.Settings settings, Schema schema, Pending pending, ReadPool reads) {
    this.settings = settings;
    this.table = schema.messages();
    this.floors = schema.floors();
    this.pending = pending;
    this.reads = reads;
  }

  /** The newest messages before an id, oldest first. */
  List<ChatMessage> before(String stream, String beforeId, int limit) throws SQLException {
    List<ChatMessage> all = new ArrayList<>(merge(stream, null, beforeId, limit, false).values());
    return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
  }

  /**
   * The oldest messages whose place (revision, else id) is after an id, by place: those with a
   * greater id, and the older ones changed after it. Each of the two reads is a page; what lies
   * beyond a full page's end is not known, so nothing placed beyond it is returned.
   */
  List<ChatMessage> after(String stream, String afterId, int limit) throws SQLException {
    TreeMap<String, ChatMessage> newer = merge(stream, afterId, null, limit, true);
    String end = newer.size() >= limit ? new ArrayList<>(newer.keySet()).get(limit - 1) : null;
    List<ChatMessage> all = new ArrayList<>(newer.values());
    if (afterId != null) {
      List<ChatMessage> changed = changedAfter(stream, afterId, limit);
      if (changed.size() >= limit) {
        String last = place(changed.get(changed.size() - 1));
        end = end == null || last.compareTo(end) < 0 ? last : end;
      }
      all.addAll(changed);
    }
    String cut = end;
    all.removeIf(m -> cut != null && place(m).compareTo(cut) > 0);
    all.sort(java.util.Comparator.comparing(Reader::place));
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }

  private static String place(ChatMessage m) {
    return m.revision() != null ? m.revision() : m.id();
  }

  /** A queued change replaces a message it is newer than. */
  private static ChatMessage newer(ChatMessage kept, ChatMessage change) {
    return kept.revision() == null || kept.revision().compareTo(change.revision()) < 0 ? change : kept;
  }

  /**
   * The messages up to an id that were changed after it, by revision: up to {@code limit} stored,
   * with the queued changes applied, and the queued changes of such messages.
   */
  private List<ChatMessage> changedAfter(String stream, String afterId, int limit) throws SQLException {
    Pending.View view = pending.view(stream);
    TreeMap<String, ChatMessage> found = new TreeMap<>();
    if (!view.removedAll()) {
      Sql sql = new Sql("SELECT " + Rows.COLUMNS + " FROM " + table + " WHERE stream = ?", stream)
          .add(" AND id <= ?", afterId)
          .add(" AND id > ?", orEmpty(view.removedThrough()))
          .add(" AND revision > ?", afterId)
          .add(" AND id > COALESCE((SELECT through_id FROM " + floors + " WHERE stream = ?), '')", stream)
          .add(" AND time_ms >= ?", settings.cutoff())
          .add(" ORDER BY revision ASC LIMIT ?", limit);
      reads.read(c -> {
        try (PreparedStatement q = sql.prepare(c)) {
          q.setQueryTimeout(Engine.seconds(settings.readTimeout()));
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              ChatMessage m = Rows.read(rs);
              found.put(m.id(), m);
            }
          }
        }
        return null;
      });
    }
    for (ChatMessage change : view.changes()) {
      if (change.id().compareTo(afterId) <= 0 && change.revision() != null && change.revision().compareTo(afterId) > 0) {
        found.merge(change.id(), change, Reader::newer);
      }
    }
    List<ChatMessage> changed = new ArrayList<>(found.values());
    changed.sort(java.util.Comparator.comparing(Reader::place));
    return changed;
  }

  /**
   * The stream's messages between two ids (both exclusive, either may be null) that retention keeps:
   * up to {@code limit} from the database, nearest the lower end if {@code ascending}, else the upper,
   * plus every queued one in the range.
   */
  private TreeMap<String, ChatMessage> merge(String stream, String lowerId, String upperId, int limit, boolean ascending) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    // The queue first, the database second: an operation that leaves the queue in between has been
    // committed, so the query sees it.
    Pending.View view = pending.view(stream);
    long cutoff = settings.cutoff();
    // By id, so that an id queued twice counts once.
    TreeMap<String, ChatMessage> queued = new TreeMap<>();
    for (ChatMessage m : view.appends()) {
      if (m.time().toEpochMilli() >= cutoff) {
        queued.putIfAbsent(m.id(), m);
      }
    }
    int max = settings.retention().maxMessages();
    TreeMap<String, ChatMessage> found = new TreeMap<>();
    String floor; // the oldest queued id the count retention keeps; null keeps every queued one
    if (view.removedAll()) {
      if (!queued.isEmpty()) {
        String stored = reads.read(c -> storedFloor(c, stream));
        if (stored != null) {
          queued.headMap(stored, true).clear();
        }
      }
      floor = queued.size() > max ? newest(queued.navigableKeySet(), max) : null;
    } else {
      String gone = view.removedThrough();
      String lower = lowerId;
      if (gone != null && (lower == null || lower.compareTo(gone) < 0)) {
        lower = gone;
      }
      Kept kept = query(new Range(stream, lower, upperId, limit, ascending, cutoff, gone), queued.navigableKeySet());
      for (ChatMessage m : kept.rows()) {
        found.put(m.id(), m);
      }
      floor = kept.floor();
    }
    for (ChatMessage m : queued.values()) {
      if ((lowerId == null || m.id().compareTo(lowerId) > 0) && (upperId == null || m.id().compareTo(upperId) < 0)
          && (floor == null || m.id().compareTo(floor) >= 0)) {
        found.putIfAbsent(m.id(), m);
      }
    }
    for (ChatMessage change : view.changes()) {
      found.computeIfPresent(change.id(), (id, kept) -> newer(kept, change));
    }
    return found;
  }

  /** The {@code n}th newest of some ids (1 the newest); there must be at least {@code n}. */
  private static String newest(NavigableSet<String> ids, int n) {
    Iterator<String> it = ids.descendingIterator();
    String id = null;
    for (int i = 0; i < n; i++) {
      id = it.next();
    }
    return id;
  }

  /**
   * What one read asks the database for.
   *
   * @param stream the stream
   * @param lowerId only ids above this one; {@code null} for no bound
   * @param upperId only ids below this one; {@code null} for no bound
   * @param limit the most rows
   * @param ascending nearest the lower end if true, else the upper
   * @param cutoff only messages at or after this time (epoch millis)
   * @param gone stored ids up to this one are being removed and do not count; {@code null} for none
   */
  private record Range(
      String stream, String lowerId, String upperId, int limit, boolean ascending, long cutoff, String gone) {}

  /**
   * What a query found.
   *
   * @param rows the stored messages in range that retention keeps
   * @param floor the oldest id the count retention keeps, if it falls among the queued ones (they
   *     must be cut at it too); else {@code null}
   */
  private record Kept(List<ChatMessage> rows, String floor) {}

  /**
   * Where the count retention cuts the stored rows: from {@code floor} on, or the newest {@code
   * keep} stored ids below {@code below} (or at all, for {@code null}).
   */
  private record Cut(String floor, String below, int keep) {}

  /**
   * The stored messages of a range that retention keeps, counting the queued ones with them. The
   * count applies to the union of queued and stored ids: operations stay queued until after their
   * commit, so the newest stored rows may be queued ones too, and counting both would cut the
   * stream short. Both statements read one snapshot, so the two agree.
   *
   * @param queued the ids of the queued messages retention keeps by age; those at or below the
   *     stream's stored floor are taken out of it
   */
  private Kept query(Range range, NavigableSet<String> queued) throws SQLException {
    int timeout = Engine.seconds(settings.readTimeout());
    return reads.read(c -> {
      boolean autoCommit = c.getAutoCommit();
      if (autoCommit && !queued.isEmpty()) {
        c.setAutoCommit(false);
      }
      Cut cut = new Cut(null, null, settings.retention().maxMessages());
      if (!queued.isEmpty()) {
        String stored = storedFloor(c, range.stream());
        if (stored != null) {
          queued.headSet(stored, true).clear();
        }
      }
      if (!queued.isEmpty()) {
        cut = cutAmongQueued(c, range, queued, timeout);
      }
      List<ChatMessage> rows = new ArrayList<>();
      // A read stuck behind a lock fails (the client gets HISTORY_UNAVAILABLE) rather than hold a
      // server worker thread, and a read connection, for good.
      try (PreparedStatement q = rowsQuery(range, cut).prepare(c)) {
        q.setQueryTimeout(timeout);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.add(Rows.read(rs));
          }
        }
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
      if (autoCommit && !c.getAutoCommit()) {
        c.setAutoCommit(true); // a failed read's connection is closed, not reused: no finally needed
      }
      return new Kept(rows, cut.floor());
    });
  }

  /** The stream's committed floor, or {@code null} if it was never cleared. */
  private String storedFloor(java.sql.Connection c, String stream) throws SQLException {
    try (PreparedStatement q = new Sql("SELECT through_id FROM " + floors + " WHERE stream = ?", stream).prepare(c)) {
      q.setQueryTimeout(Engine.seconds(settings.readTimeout()));
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * The stored ids from the oldest queued one on: normally only those just committed, as ids grow.
   * Their union with the queue is the newest part of the stream, which decides where the count cuts.
   */
  private Cut cutAmongQueued(java.sql.Connection c, Range range, NavigableSet<String> queued, int timeout)
      throws SQLException {
    int max = settings.retention().maxMessages();
    TreeSet<String> newest = new TreeSet<>(queued);
    Sql sql = new Sql("SELECT id FROM " + table + " WHERE stream = ?", range.stream())
        .add(" AND id > ?", orEmpty(range.gone()))
        .add(" AND id >= ?", queued.first())
        .add(" ORDER BY id DESC LIMIT ?", max);
    try (PreparedStatement q = sql.prepare(c)) {
      q.setQueryTimeout(timeout);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          newest.add(rs.getString(1));
        }
      }
    }
    return newest.size() >= max
        ? new Cut(newest(newest, max), null, max)
        : new Cut(null, queued.first(), max - newest.size());
  }

  private Sql rowsQuery(Range range, Cut cut) {
    Sql sql = new Sql("SELECT " + Rows.COLUMNS + " FROM " + table + " WHERE stream = ?", range.stream())
        .add(" AND id > ?", orEmpty(range.lowerId()))
        // Inserts skip ids at or below the floor, and the clear that set it removed the rest; this
        // holds even for a row a store that knew no floors (an older Parley) wrote meanwhile.
        .add(" AND id > COALESCE((SELECT through_id FROM " + floors + " WHERE stream = ?), '')", range.stream());
    if (range.upperId() != null) {
      sql.add(" AND id < ?", range.upperId());
    }
    sql.add(" AND time_ms >= ?", range.cutoff());
    // Count retention: nothing older than what it keeps, even before the writer trims.
    if (cut.floor() != null) {
      sql.add(" AND id >= ?", cut.floor());
    } else if (!isNewestPageWithinCount(range, cut)) {
      Sql boundary = new Sql("SELECT id FROM " + table + " WHERE stream = ?", range.stream())
          .add(" AND id > ?", orEmpty(range.gone()));
      if (cut.below() != null) {
        boundary.add(" AND id < ?", cut.below());
      }
      boundary.add(" ORDER BY id DESC LIMIT 1 OFFSET ?", cut.keep() - 1);
      sql.add(" AND id >= COALESCE((").add(boundary).add("), '')");
    }
    return sql.add(" ORDER BY id " + (range.ascending() ? "ASC" : "DESC")).add(" LIMIT ?", range.limit());
  }

  /**
   * The newest page of a stream (a join's history, the commonest read) holds only rows the count
   * keeps when it is no longer than what the count leaves: no need to find the boundary, which walks
   * up to maxMessages index entries.
   */
  private static boolean isNewestPageWithinCount(Range range, Cut cut) {
    return !range.ascending() && range.upperId() == null && range.limit() <= cut.keep();
  }

  private static String orEmpty(String id) {
    return id == null ? "" : id;
  }
}
