package fr.habilis.ca.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.pki.CaSecret;
import fr.habilis.ca.registry.EabCredential;
import fr.habilis.ca.registry.EabKeySealer;
import io.vertx.core.Vertx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EabRepositoryTest {
  private Vertx vertx;
  private Database db;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabases.open(vertx, 2);
    db.txBlocking(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO administrators (id, card_number, card_type,"
          + " last_name, first_name, email, created_at) VALUES ('a1', '0123456789', 'CPA', 'X', 'Y', 'x@y.test', ?)")) {
        ps.setObject(1, java.time.OffsetDateTime.now());
        return ps.executeUpdate();
      }
    });
  }

  @AfterEach
  void close() {
    db.close();
    vertx.close();
  }

  /** One draw in 64 would start with '-' without the redraw: 1,000 draws would show it (p < 2e-7). */
  @Test
  void hmacKeysAre256BitsDistinctAndNeverLookLikeACommandLineOption() throws Exception {
    EabRepository repo = new EabRepository(new EabKeySealer(new CaSecret(new byte[32])));
    Set<String> seen = new HashSet<>();
    db.txBlocking(c -> {
      for (int i = 0; i < 1000; i++) {
        EabCredential cred = repo.mint(c, "a1", Instant.now(), Duration.ofDays(1));
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(cred.hmacKey());
        assertEquals(32, cred.hmacKey().length);
        assertFalse(text.startsWith("-"), text);
        assertTrue(seen.add(text));
        assertTrue(cred.kid().startsWith("eab-"));
      }
      return null;
    });
  }

  private static final CaSecret SECRET = new CaSecret(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
      17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

  private byte[][] rawKeys(String kid) throws Exception {
    return db.txBlocking(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT hmac_key, hmac_key_sealed FROM eab_credentials WHERE kid = ?")) {
        ps.setString(1, kid);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new byte[][] {rs.getBytes(1), rs.getBytes(2)};
        }
      }
    });
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; haystack != null && i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }

  @Test
  void theKeyIsStoredSealedOpensOnlyUnderItsSecretAndKidAndIsErasedWhenConsumed() throws Exception {
    EabRepository repo = new EabRepository(new EabKeySealer(SECRET));
    EabCredential a = db.txBlocking(c -> repo.mint(c, "a1", Instant.now(), Duration.ofDays(1)));
    EabCredential b = db.txBlocking(c -> repo.mint(c, "a1", Instant.now(), Duration.ofDays(1)));
    byte[][] raw = rawKeys(a.kid());
    assertNull(raw[0], "no clear column value");
    assertFalse(contains(raw[1], a.hmacKey()), "the stored bytes do not contain the key");
    assertArrayEquals(a.hmacKey(), db.txBlocking(c -> repo.find(c, a.kid())).orElseThrow().hmacKey());

    // Another CA secret (a database copied without its keystore) opens nothing.
    EabRepository elsewhere = new EabRepository(new EabKeySealer(new CaSecret(new byte[32])));
    assertThrows(fr.habilis.ca.error.DomainError.class, () -> db.txBlocking(c -> elsewhere.find(c, a.kid())));
    // A sealed key copied onto another credential's row does not open there (the kid is associated data).
    db.txBlocking(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE eab_credentials SET hmac_key_sealed = ? WHERE kid = ?")) {
        ps.setBytes(1, raw[1]);
        ps.setString(2, b.kid());
        return ps.executeUpdate();
      }
    });
    assertThrows(fr.habilis.ca.error.DomainError.class, () -> db.txBlocking(c -> repo.find(c, b.kid())));

    assertTrue((boolean) db.txBlocking(c -> repo.consume(c, a.kid(), 7L, Instant.now())));
    assertNull(rawKeys(a.kid())[1], "a consumed credential keeps no key");
    assertNull(db.txBlocking(c -> repo.find(c, a.kid())).orElseThrow().hmacKey());
  }

  @Test
  void clearKeysOfAnEarlierVersionAreSealedAndConsumedOnesErased() throws Exception {
    byte[] unused = new byte[32];
    byte[] used = new byte[32];
    java.util.Arrays.fill(unused, (byte) 7);
    java.util.Arrays.fill(used, (byte) 9);
    db.txBlocking(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO eab_credentials (kid, hmac_key, admin_id, created_at,"
          + " expires_at, consumed_at) VALUES (?,?,'a1',?,?,?)")) {
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now();
        for (Object[] row : new Object[][] {{"eab-old-unused", unused, null}, {"eab-old-used", used, now}}) {
          ps.setString(1, (String) row[0]);
          ps.setBytes(2, (byte[]) row[1]);
          ps.setObject(3, now);
          ps.setObject(4, now.plusDays(1));
          ps.setObject(5, row[2]);
          ps.executeUpdate();
        }
      }
      return null;
    });
    EabRepository repo = new EabRepository(new EabKeySealer(SECRET));
    assertEquals(1, db.txBlocking(repo::sealClearKeys));
    assertNull(rawKeys("eab-old-unused")[0]);
    assertFalse(contains(rawKeys("eab-old-unused")[1], unused));
    assertArrayEquals(unused, db.txBlocking(c -> repo.find(c, "eab-old-unused")).orElseThrow().hmacKey());
    assertNull(rawKeys("eab-old-used")[0]);
    assertNull(rawKeys("eab-old-used")[1]);
    assertEquals(0, db.txBlocking(repo::sealClearKeys), "idempotent");
  }
}
