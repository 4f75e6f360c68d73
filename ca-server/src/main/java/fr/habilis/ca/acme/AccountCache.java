package fr.habilis.ca.acme;

import fr.habilis.ca.store.AcmeStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The valid accounts that signed recently, with their keys ready to verify: a request of a cached
 * account verifies its signature without a transaction of its own. The cache is never trusted for
 * a decision: the request's own transaction checks that the account is still valid with the same
 * key ({@link AcmeStore#accountUnchanged}), so a deactivation or key change made by another
 * instance takes effect at once; this instance's own changes evict the entry. Bounded (least
 * recently used out): an entry is a few hundred bytes.
 */
final class AccountCache {
  record Entry(AcmeStore.Account account, SignedRequest.VerifyingKey key) {}

  private final Map<Long, Entry> entries;

  AccountCache(int capacity) {
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized Entry get(long accountId) {
    return entries.get(accountId);
  }

  /** Keeps a valid account just read from the database. */
  synchronized Entry put(AcmeStore.Account account) {
    Entry e = new Entry(account, SignedRequest.VerifyingKey.of(account.jwk()));
    if (account.isValid()) entries.put(account.id(), e);
    return e;
  }

  synchronized void evict(long accountId) {
    entries.remove(accountId);
  }
}
