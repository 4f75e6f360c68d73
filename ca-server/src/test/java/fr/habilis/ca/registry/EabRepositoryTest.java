package fr.habilis.ca.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.store.Database;
import io.vertx.core.Vertx;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EabRepositoryTest {
  private Vertx vertx;
  private Database db;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    db = Database.open(vertx, "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 2);
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
    EabRepository repo = new EabRepository();
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
}
