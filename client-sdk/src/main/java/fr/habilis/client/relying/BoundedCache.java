package fr.habilis.client.relying;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A size-bounded LRU map whose entries expire at a given instant (an OCSP response's or CRL's
 * nextUpdate). One lock: every operation is a few map steps, far cheaper than the network round
 * trip it saves, so finer locking would buy nothing measurable on a TLS server.
 */
final class BoundedCache<K, V> {
  private final Map<K, Slot<V>> map;

  private static final class Slot<V> {
    final V value;
    final Instant expires;

    Slot(V value, Instant expires) {
      this.value = value;
      this.expires = expires;
    }
  }

  BoundedCache(int maxEntries) {
    if (maxEntries < 1) throw new IllegalArgumentException("cache size must be at least 1");
    // Access order: a get() makes the entry the most recently used; the least recently used goes first.
    this.map = new LinkedHashMap<K, Slot<V>>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Slot<V>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The value if present and not expired at {@code now}; an expired one is removed. */
  synchronized V get(K key, Instant now) {
    Slot<V> e = map.get(key);
    if (e == null) return null;
    if (!now.isBefore(e.expires)) {
      map.remove(key);
      return null;
    }
    return e.value;
  }

  /** Stores the value until {@code expires}; does nothing if that is not after {@code now}. */
  synchronized void put(K key, V value, Instant expires, Instant now) {
    if (expires != null && expires.isAfter(now)) map.put(key, new Slot<>(value, expires));
  }

  synchronized int size() {
    return map.size();
  }

  synchronized void clear() {
    map.clear();
  }
}
