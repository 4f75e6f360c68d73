package fr.habilis.ca.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.TestDatabases;
import java.sql.PreparedStatement;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  private Database db;
  private final AuditLog audit = new AuditLog(Clock.systemUTC());

  @BeforeEach
  void open() {
    db = TestDatabases.open(null, 2);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void intactChainVerifies() throws Exception {
    appendThree();
    AuditLog.Verification v = db.txBlocking(AuditLog::verify);
    assertTrue(v.ok(), v.problem());
    assertEquals(3, v.rowsChecked());
  }

  @Test
  void editedRowBreaksTheChainAtThatRow() throws Exception {
    appendThree();
    db.txBlocking(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")) {
        return p.executeUpdate();
      }
    });
    AuditLog.Verification v = db.txBlocking(AuditLog::verify);
    assertFalse(v.ok());
    assertEquals(2L, v.firstBrokenSeq());
  }

  @Test
  void deletedLastRowIsDetected() throws Exception {
    appendThree();
    db.txBlocking(c -> c.createStatement().executeUpdate("DELETE FROM audit_log WHERE seq = 3"));
    assertFalse(db.txBlocking(AuditLog::verify).ok());
  }

  @Test
  void rolledBackTransactionLeavesNoAuditRow() throws Exception {
    appendThree();
    try {
      db.txBlocking(c -> {
        audit.append(c, "ra", "structure.created", "x", null);
        throw new IllegalStateException("later step failed");
      });
    } catch (IllegalStateException expected) {
      // the whole transaction, audit row included, is rolled back
    }
    AuditLog.Verification v = db.txBlocking(AuditLog::verify);
    assertTrue(v.ok());
    assertEquals(3, v.rowsChecked());
  }

  private void appendThree() throws Exception {
    for (int i = 0; i < 3; i++) {
      int n = i;
      db.txBlocking(c -> {
        audit.append(c, "operator", "test.action", "subject-" + n, "{\"n\":" + n + "}");
        return null;
      });
    }
  }
}
