package fr.habilis.ca.console;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Lists shown {@link #SIZE} at a time; one more row is read to know whether a next page exists. */
record Paging(int offset, boolean hasPrevious, boolean hasNext, int previous, int next) {
  static final int SIZE = 50;

  static int offset(RoutingContext rc) {
    String o = rc.queryParams().get("offset");
    try {
      int i = o == null ? 0 : Integer.parseInt(o);
      return Math.max(0, Math.min(i, 1_000_000));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static Paging of(RoutingContext rc, int read, int offset) {
    return new Paging(offset, offset > 0, read > SIZE, Math.max(0, offset - SIZE), offset + SIZE);
  }

  static <T> List<T> page(List<T> read) {
    return read.size() > SIZE ? read.subList(0, SIZE) : read;
  }
}
